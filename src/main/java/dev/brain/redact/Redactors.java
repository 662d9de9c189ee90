package dev.brain.redact;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.config.Config;

/** Haiku when ANTHROPIC_API_KEY is set, else the local scrubber alone. */
public final class Redactors {
    private Redactors() {
    }

    public static Redactor from(Config config, ObjectMapper json) {
        if (config.anthropicApiKey().isEmpty()) {
            return new ScrubberRedactor();
        }
        return new AnthropicRedactor(json, config.anthropicBaseUrl(), config.anthropicApiKey(), config.redactionModel(),
                config.redactionTimeout(), config.redactionConcurrency());
    }
}
