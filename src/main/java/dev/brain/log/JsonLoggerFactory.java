package dev.brain.log;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.MDCAdapter;

final class JsonLoggerFactory implements ILoggerFactory {
    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final Level level;
    private final MDCAdapter mdc;

    JsonLoggerFactory(String level, MDCAdapter mdc) {
        this.level = parse(level);
        this.mdc = mdc;
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new JsonLogger(n, thresholdFor(n), mdc));
    }

    // Third-party libraries are chatty at info; they speak from warn unless we debug (from error on the command line).
    private Level thresholdFor(String name) {
        boolean ours = name.startsWith("dev.brain");
        if (ours || level.toInt() <= Level.DEBUG.toInt()) {
            return level;
        }
        Level floor = Logging.commandLine() ? Level.ERROR : Level.WARN;
        return level.toInt() > floor.toInt() ? level : floor;
    }

    private static Level parse(String s) {
        try {
            return Level.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Level.INFO;
        }
    }
}
