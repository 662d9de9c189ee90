package dev.brain.error;

/** An archive that could not be written, or whose files do not match its manifest: nothing is dropped for it. */
public final class ArchiveFailed extends BrainException {
    public ArchiveFailed(String message) {
        super("archive_failed", message);
    }

    public ArchiveFailed(String message, Throwable cause) {
        super("archive_failed", message, cause);
    }
}
