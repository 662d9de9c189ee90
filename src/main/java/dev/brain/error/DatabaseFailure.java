package dev.brain.error;

/** A statement that failed; the SQLException is the cause, and db.DbErrors tells an outage from a bug. */
public final class DatabaseFailure extends BrainException {
    public DatabaseFailure(String message, Throwable cause) {
        super("database_failure", message, cause);
    }
}
