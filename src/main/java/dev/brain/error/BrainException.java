package dev.brain.error;

/**
 * The one root of what can go wrong in the brain: a stable machine-readable code and a message for a
 * person. Services throw the subclass that says what happened; only http/ turns it into a status.
 */
public abstract class BrainException extends RuntimeException {
    private final String code;

    protected BrainException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    protected BrainException(String code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.code = code;
    }

    public final String code() {
        return code;
    }

    /** Seconds a client should wait before trying again; 0 when a retry will not help. */
    public long retryAfterSeconds() {
        return 0;
    }
}
