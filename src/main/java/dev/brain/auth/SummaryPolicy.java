package dev.brain.auth;

/** What happens to an event's summary_raw, from the customer's privacy tier (SPEC §6). */
public enum SummaryPolicy {
    /** Tier a: never stored, never sent to the redactor. */
    DROP,
    /** Tier b, or c with the Tier-C switch off: kept in memory for the redactor only. */
    REDACT,
    /** Tier c with the switch on: stored beside its redaction. */
    KEEP;

    public static SummaryPolicy of(String privacyTier, boolean tierCEnabled) {
        return switch (privacyTier) {
            case "a" -> DROP;
            case "c" -> tierCEnabled ? KEEP : REDACT;
            default -> REDACT;
        };
    }
}
