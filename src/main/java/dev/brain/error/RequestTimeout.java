package dev.brain.error;

/** The client took too long to send its request. */
public final class RequestTimeout extends BrainException {
    public RequestTimeout(String code, String message) {
        super(code, message);
    }
}
