package dev.brain.error;

/** The request is bigger than the limits allow. */
public final class TooLarge extends BrainException {
    public TooLarge(String code, String message) {
        super(code, message);
    }
}
