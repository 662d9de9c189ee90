package dev.brain.error;

/** Bad command-line arguments: the CLI prints usage and exits 2. */
public final class UsageError extends BrainException {
    public UsageError(String message) {
        super("usage", message);
    }
}
