package dev.brain.error;

/** The caller is known but may not do this (or the feature is switched off). */
public final class Forbidden extends BrainException {
    public Forbidden(String code, String message) {
        super(code, message);
    }
}
