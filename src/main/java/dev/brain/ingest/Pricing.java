package dev.brain.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brain.pricing.Prices;

/**
 * Every LLM usage entry (an llm.call payload, each session.end llm_usage entry) leaves ingest with its cost basis:
 * "agent" when it carried cost_cents, "table" when the price table priced it, "unpriced" (cost_cents null, never
 * 0) when the model is unknown to the table.
 */
final class Pricing {
    private final Prices prices;

    Pricing(Prices prices) {
        this.prices = prices;
    }

    /** Prices the envelope's usage in place; returns how many entries stayed unpriced (-1: the payload is unchanged). */
    int apply(Envelope e) {
        ObjectNode p = e.payload();
        if (e.eventType().equals("llm.call")) {
            return price(p) ? 1 : 0;
        }
        JsonNode usage = p.get("llm_usage");
        if (!e.eventType().equals("session.end") || usage == null || !(usage.isObject() || usage.isArray())) {
            return -1;
        }
        int unpriced = 0;
        for (JsonNode u : usage.isArray() ? usage : java.util.List.of(usage)) {
            if (u instanceof ObjectNode entry && price(entry)) {
                unpriced++;
            }
        }
        return unpriced;
    }

    // True when the entry is unpriced.
    private boolean price(ObjectNode u) {
        JsonNode given = u.get("cost_cents");
        if (given != null && !given.isNull()) {
            // An agent that says where its cost came from (the hook: claude-code, price-table) keeps its word.
            if (!u.path("cost_basis").isTextual() || u.get("cost_basis").asText().isBlank()) {
                u.put("cost_basis", "agent");
            }
            return false;
        }
        String model = u.path("model").isTextual() ? u.get("model").asText() : null;
        Double cents = prices.cents(model, new Prices.Tokens(count(u, "input_tokens", null), count(u, "cache_creation_tokens",
                "cache_creation_input_tokens"), count(u, "cache_read_tokens", "cache_read_input_tokens"), count(u, "output_tokens", null)));
        if (cents == null) {
            u.putNull("cost_cents");
            u.put("cost_basis", "unpriced");
            return true;
        }
        u.put("cost_cents", cents);
        u.put("cost_basis", "table");
        return false;
    }

    private static long count(JsonNode u, String field, String alias) {
        JsonNode n = u.get(field);
        if ((n == null || n.isNull()) && alias != null) {
            n = u.get(alias);
        }
        return n != null && n.isNumber() ? n.asLong() : 0;
    }
}
