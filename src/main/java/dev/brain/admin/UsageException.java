package dev.brain.admin;

/** Bad command-line arguments: the CLI prints usage and exits 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
