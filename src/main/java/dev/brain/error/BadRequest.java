package dev.brain.error;

/** The request itself is wrong: malformed, invalid or out of range. */
public class BadRequest extends BrainException {
    public BadRequest(String code, String message) {
        super(code, message);
    }
}
