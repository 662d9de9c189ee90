package dev.brain.auth;

/** Who an API key speaks for: attribution comes from here, never from the request body. */
public record Principal(String keyId, String agentId, String customerId, String privacyTier, boolean tierCEnabled) {

    public SummaryPolicy summaryPolicy() {
        return SummaryPolicy.of(privacyTier, tierCEnabled);
    }
}
