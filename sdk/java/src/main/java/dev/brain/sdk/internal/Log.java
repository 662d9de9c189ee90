package dev.brain.sdk.internal;

import dev.brain.sdk.BrainLogger;
import dev.brain.sdk.BrainLogger.Level;

/** The SDK's view of the user's logger: never throws, whatever the logger does. */
public final class Log {
    private final BrainLogger logger;

    public Log(BrainLogger logger) {
        this.logger = logger == null ? BrainLogger.SILENT : logger;
    }

    public void debug(String message) {
        emit(Level.DEBUG, message, null);
    }

    public void info(String message) {
        emit(Level.INFO, message, null);
    }

    public void warn(String message, Throwable error) {
        emit(Level.WARN, message, error);
    }

    public void error(String message, Throwable error) {
        emit(Level.ERROR, message, error);
    }

    private void emit(Level level, String message, Throwable error) {
        try {
            logger.log(level, message, error);
        } catch (Throwable ignored) {
            // a broken logger must not break the agent
        }
    }
}
