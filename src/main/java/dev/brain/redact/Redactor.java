package dev.brain.redact;

import dev.brain.error.RedactionFailed;

/** Turns a raw one-line summary into a redacted one (≤ 120 characters), or says why it could not. */
public interface Redactor extends AutoCloseable {
    int MAX_CHARS = 120;

    String redact(String raw) throws RedactionFailed;

    /** Whether a model is involved (false: the local scrubber alone). */
    boolean usesModel();

    /** Abandons calls in flight (shutdown); they fail at once. */
    default void cancelAll() {
    }

    /** Releases the client's threads and connections; called once, when the queue has stopped. */
    @Override
    default void close() {
    }
}
