package dev.brain.ingest;

import static dev.brain.ingest.EventValidator.MAX_COST_CENTS;
import static dev.brain.ingest.EventValidator.MAX_DURATION_MS;
import static dev.brain.ingest.EventValidator.MAX_NAME;
import static dev.brain.ingest.EventValidator.MAX_TOKENS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brain.error.InvalidEvent;
import java.util.Set;

/** The per-step event types (issue 12): tool.call, llm.call, session.update, business.event. Throws {@link InvalidEvent}. */
final class GranularEvents {
    static final Set<String> TYPES = Set.of("tool.call", "llm.call", "session.update", "business.event");
    static final Set<String> TOOL_STATUSES = Set.of("success", "failure", "timeout");
    /** |value| of a business event: a trillion of any unit, far beyond a real outcome, well inside double precision. */
    static final double MAX_BUSINESS_VALUE = 1e12;

    private GranularEvents() {
    }

    static void validate(String type, ObjectNode p, String sessionId, Set<String> sessionStatuses) {
        switch (type) {
            case "tool.call" -> toolCall(p, sessionId);
            case "llm.call" -> llmCall(p, sessionId);
            case "session.update" -> sessionUpdate(p, sessionId, sessionStatuses);
            case "business.event" -> businessEvent(p);
            default -> throw new IllegalArgumentException(type);
        }
    }

    private static void toolCall(ObjectNode p, String sessionId) {
        requireSession(sessionId, "tool.call");
        Fields.requiredText(p, "name", MAX_NAME, "payload.name");
        Fields.bounded(p.get("ms"), "payload.ms", false, MAX_DURATION_MS, "366 days in milliseconds");
        JsonNode ok = p.get("ok");
        if (ok != null && !ok.isNull() && !ok.isBoolean()) {
            throw new InvalidEvent("invalid_field", "payload.ok must be true or false");
        }
        String status = Fields.optionalText(p, "status", MAX_NAME, "payload.status");
        if (status != null && !TOOL_STATUSES.contains(status)) {
            throw new InvalidEvent("invalid_field", "payload.status must be success, failure or timeout");
        }
        Fields.optionalText(p, "error_type", MAX_NAME, "payload.error_type");
    }

    private static void llmCall(ObjectNode p, String sessionId) {
        requireSession(sessionId, "llm.call");
        Fields.requiredText(p, "model", MAX_NAME, "payload.model");
        for (String f : new String[] {"input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens"}) {
            Fields.bounded(p.get(f), "payload." + f, true, MAX_TOKENS, "tokens per call");
        }
        Fields.bounded(p.get("cost_cents"), "payload.cost_cents", false, MAX_COST_CENTS, "cents per call, $10 million");
        Fields.bounded(p.get("latency_ms"), "payload.latency_ms", false, MAX_DURATION_MS, "366 days in milliseconds");
        JsonNode success = p.get("success");
        if (success != null && !success.isNull() && !success.isBoolean()) {
            throw new InvalidEvent("invalid_field", "payload.success must be true or false");
        }
        Fields.optionalText(p, "error_type", MAX_NAME, "payload.error_type");
        Fields.optionalText(p, "prompt_hash", MAX_NAME, "payload.prompt_hash");
    }

    private static void sessionUpdate(ObjectNode p, String sessionId, Set<String> sessionStatuses) {
        requireSession(sessionId, "session.update");
        Fields.optionalText(p, "category", MAX_NAME, "payload.category");
        String status = Fields.optionalText(p, "status", MAX_NAME, "payload.status");
        if (status != null && !sessionStatuses.contains(status)) {
            throw new InvalidEvent("invalid_field", "payload.status must be success, failed or escalated");
        }
    }

    private static void businessEvent(ObjectNode p) {
        Fields.requiredText(p, "name", MAX_NAME, "payload.name");
        JsonNode v = p.get("value");
        if (v != null && !v.isNull()) {
            if (!v.isNumber()) {
                throw new InvalidEvent("invalid_field", "payload.value must be a number");
            }
            if (Math.abs(v.doubleValue()) > MAX_BUSINESS_VALUE) {
                throw new InvalidEvent("number_out_of_range", "payload.value must be within ±" + (long) MAX_BUSINESS_VALUE);
            }
        }
        Fields.optionalText(p, "unit", MAX_NAME, "payload.unit");
    }

    private static void requireSession(String sessionId, String type) {
        if (sessionId == null || sessionId.isEmpty()) {
            throw new InvalidEvent("missing_field", "session_id is required for " + type);
        }
    }
}
