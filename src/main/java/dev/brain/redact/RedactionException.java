package dev.brain.redact;

/** A redaction that did not produce a usable answer; `outcome` is the metric label (failed, timeout). */
public final class RedactionException extends Exception {
    private final String outcome;

    public RedactionException(String outcome, String message) {
        super(message, null, false, false);
        this.outcome = outcome;
    }

    public String outcome() {
        return outcome;
    }
}
