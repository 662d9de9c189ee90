package dev.brain.redact;

/** Turns a raw one-line summary into a redacted one (≤ 120 characters), or says why it could not. */
public interface Redactor {
    int MAX_CHARS = 120;

    String redact(String raw) throws RedactionException;

    /** Whether a model is involved (false: the local scrubber alone). */
    boolean usesModel();
}
