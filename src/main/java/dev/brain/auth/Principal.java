package dev.brain.auth;

/**
 * Who an API key speaks for: attribution comes from here, never from the request body. signingSecret is
 * non-null only for a key minted with --require-signature (see RequestSignature).
 */
public record Principal(String keyId, String agentId, String customerId, String privacyTier, boolean tierCEnabled,
                        String signingSecret) {

    public Principal(String keyId, String agentId, String customerId, String privacyTier, boolean tierCEnabled) {
        this(keyId, agentId, customerId, privacyTier, tierCEnabled, null);
    }

    public SummaryPolicy summaryPolicy() {
        return SummaryPolicy.of(privacyTier, tierCEnabled);
    }

    @Override
    public String toString() {
        return "Principal[" + keyId + ", " + agentId + ", " + customerId + ", tier " + privacyTier + (signingSecret == null ? "" : ", signed") + "]";
    }
}
