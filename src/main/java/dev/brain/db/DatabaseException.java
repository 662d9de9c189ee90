package dev.brain.db;

/** A failed statement issued through plain JDBC; the SQLException is the cause (see DbErrors). */
public final class DatabaseException extends RuntimeException {
    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
