package dev.brain.auth;

/** Who an API key speaks for: attribution comes from here, never from the request body. */
public record Principal(String keyId, String agentId, String customerId, String privacyTier, boolean tierCEnabled) {

    /** What happens to summary_raw: "drop" (tier a), "redact" (tier b, or c with the switch off), "keep" (c, switch on). */
    public String summaryPolicy() {
        return switch (privacyTier) {
            case "a" -> "drop";
            case "c" -> tierCEnabled ? "keep" : "redact";
            default -> "redact";
        };
    }
}
