package dev.brain.sdk;

import java.io.PrintStream;

/**
 * Where the SDK reports its own trouble. Silent by default: an agent's stdout and stderr belong to
 * the agent. Implementations must not throw; if one does, the SDK swallows it.
 */
@FunctionalInterface
public interface BrainLogger {

    enum Level { DEBUG, INFO, WARN, ERROR }

    /** {@code error} may be null. */
    void log(Level level, String message, Throwable error);

    /** The default: drops everything. */
    BrainLogger SILENT = (level, message, error) -> { };

    /** Writes lines at or above {@code minimum} to stderr, prefixed with {@code [brain-sdk]}. */
    static BrainLogger stderr(Level minimum) {
        return toStream(System.err, minimum);
    }

    /** Writes lines at or above {@code minimum} to {@code out}, prefixed with {@code [brain-sdk]}. */
    static BrainLogger toStream(PrintStream out, Level minimum) {
        Level floor = minimum == null ? Level.INFO : minimum;
        return (level, message, error) -> {
            if (level.compareTo(floor) < 0) {
                return;
            }
            out.println("[brain-sdk] " + level + " " + message + (error == null ? "" : ": " + error));
        };
    }

    /** Bridges to {@code java.util.logging} under the logger name {@code dev.brain.sdk}. */
    static BrainLogger jul() {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("dev.brain.sdk");
        return (level, message, error) -> {
            java.util.logging.Level mapped;
            switch (level) {
                case DEBUG: mapped = java.util.logging.Level.FINE; break;
                case INFO: mapped = java.util.logging.Level.INFO; break;
                case WARN: mapped = java.util.logging.Level.WARNING; break;
                default: mapped = java.util.logging.Level.SEVERE; break;
            }
            jul.log(mapped, message, error);
        };
    }
}
