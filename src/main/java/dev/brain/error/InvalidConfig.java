package dev.brain.error;

/** A setting that cannot be used; the message names the variable. */
public final class InvalidConfig extends BrainException {
    public InvalidConfig(String message) {
        super("invalid_config", message);
    }
}
