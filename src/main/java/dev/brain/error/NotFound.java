package dev.brain.error;

/** The thing asked for does not exist. */
public final class NotFound extends BrainException {
    public NotFound(String code, String message) {
        super(code, message);
    }
}
