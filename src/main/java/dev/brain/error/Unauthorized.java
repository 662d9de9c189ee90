package dev.brain.error;

/** No credentials, or credentials that do not match. */
public final class Unauthorized extends BrainException {
    public Unauthorized(String code, String message) {
        super(code, message);
    }
}
