package dev.brain.error;

/** A redaction that did not produce a usable answer; the code is the metric outcome (failed, timeout). */
public final class RedactionFailed extends BrainException {
    public RedactionFailed(String outcome, String message) {
        super(outcome, message);
    }

    public String outcome() {
        return code();
    }
}
