package dev.brain.error;

/** The request is encoded in a way the brain does not read. */
public final class UnsupportedMediaType extends BrainException {
    public UnsupportedMediaType(String code, String message) {
        super(code, message);
    }
}
