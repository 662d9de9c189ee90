package dev.brain.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brain.error.InvalidEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * One agent-framework collector event → one of our envelopes (README "The agent-framework collector API"):
 * agent_execution and hook_decision → tool.call, error → error, escalation → session.end escalated, commit →
 * business.event "commit". Every one carries payload.collector (agent name, hook, decision, success, model,
 * hashed host and working directory) for the decisions answer. The envelope is then validated as any other.
 */
final class CollectorEvents {
    static final Set<String> TYPES = Set.of("agent_execution", "hook_decision", "error", "escalation", "commit");
    // The decisions, and the newer collector's spelling of them.
    static final Set<String> DECISIONS = Set.of("APPROVED", "DENIED", "CONFIRMED", "DECLINED", "OK", "BLOCK",
            "APPROVE", "CONTINUE", "DENY", "CONFIRM", "SUCCESS", "ERROR");
    static final Set<String> TIERS = Set.of("haiku", "sonnet", "opus");
    private static final String[] TEXT_FIELDS = {"hostId", "sessionId", "agentName", "hookName", "toolName", "workingDir", "modelName"};

    private final ObjectMapper json;
    private final HostHashes hashes;

    CollectorEvents(ObjectMapper json, HostHashes hashes) {
        this.json = json;
        this.hashes = hashes;
    }

    ObjectNode envelope(JsonNode e, String customerId, Instant now) {
        if (!e.isObject()) {
            throw new InvalidEvent("invalid_envelope", "an event must be a JSON object");
        }
        for (String f : TEXT_FIELDS) {
            text(e, f);
        }
        if (e.path("sessionId").asText().isEmpty() || e.path("hostId").asText().isEmpty()) {
            throw new InvalidEvent("missing_field", (e.path("sessionId").asText().isEmpty() ? "sessionId" : "hostId") + " must not be empty");
        }
        String type = oneOf(e, "eventType", TYPES);
        String decision = oneOf(e, "decision", DECISIONS);
        String tier = oneOf(e, "modelTier", TIERS);
        JsonNode latency = number(e, "latencyMs");
        JsonNode errorCount = number(e, "errorCount");
        if (!errorCount.canConvertToLong() || errorCount.decimalValue().stripTrailingZeros().scale() > 0) {
            throw new InvalidEvent("invalid_field", "errorCount must be a whole number");
        }
        JsonNode success = e.get("success");
        if (success == null || success.isNull()) {
            throw new InvalidEvent("missing_field", "success is required");
        }
        if (!success.isBoolean()) {
            throw new InvalidEvent("invalid_field", "success must be true or false");
        }
        JsonNode extra = e.get("extraData");
        if (extra != null && !extra.isNull() && !extra.isObject()) {
            throw new InvalidEvent("invalid_field", "extraData must be an object");
        }
        JsonNode reason = e.get("decisionReason");
        if (reason != null && !reason.isNull() && !reason.isTextual()) {
            throw new InvalidEvent("invalid_field", "decisionReason must be a string");
        }

        ObjectNode collector = json.createObjectNode()
                .put("agent_name", e.get("agentName").asText()).put("hook_name", e.get("hookName").asText())
                .put("decision", decision).put("success", success.asBoolean()).put("model_tier", tier)
                .put("model_name", e.get("modelName").asText()).put("error_count", errorCount.asLong())
                .put("host", hashes.hash(customerId, e.get("hostId").asText()))
                .put("working_dir", hashes.hash(customerId, e.get("workingDir").asText()));
        if (reason != null && reason.isTextual()) {
            collector.put("decision_reason", reason.asText());
        }
        if (extra != null && extra.isObject()) {
            collector.set("extra", extra);
        }
        String tool = e.get("toolName").asText();
        ObjectNode p = json.createObjectNode();
        String ourType = switch (type) {
            case "error" -> {
                p.put("kind", tool.isEmpty() ? e.get("agentName").asText() : tool);
                if (reason != null && reason.isTextual()) {
                    p.put("message", reason.asText());
                }
                yield "error";
            }
            case "escalation" -> {
                p.put("status", "escalated");
                yield "session.end";
            }
            case "commit" -> {
                p.put("name", "commit");
                yield "business.event";
            }
            default -> {
                p.put("name", tool.isEmpty() ? e.get("agentName").asText() : tool).set("ms", latency);
                p.put("ok", success.asBoolean());
                yield "tool.call";
            }
        };
        p.set("collector", collector);
        JsonNode timestamp = e.get("timestamp");
        ObjectNode env = json.createObjectNode();
        env.put("event_id", eventId(e, timestamp).toString());
        env.set("ts", timestamp == null || timestamp.isNull() ? json.getNodeFactory().textNode(now.toString()) : timestamp);
        env.put("event_type", ourType).put("session_id", e.get("sessionId").asText());
        env.set("payload", p);
        return env;
    }

    // A retried batch must not count twice: an event with its own timestamp is named by its content. Without one it
    // takes the server's time, and two identical events a moment apart are two events: those get random ids.
    private static UUID eventId(JsonNode e, JsonNode timestamp) {
        if (timestamp == null || timestamp.isNull()) {
            return UUID.randomUUID();
        }
        return UUID.nameUUIDFromBytes(("collector:" + e).getBytes(StandardCharsets.UTF_8));
    }

    private static String text(JsonNode e, String field) {
        JsonNode n = e.get(field);
        if (n == null || n.isNull()) {
            throw new InvalidEvent("missing_field", field + " is required");
        }
        if (!n.isTextual()) {
            throw new InvalidEvent("invalid_field", field + " must be a string");
        }
        return n.asText();
    }

    private static String oneOf(JsonNode e, String field, Set<String> allowed) {
        String v = text(e, field);
        if (!allowed.contains(v)) {
            throw new InvalidEvent("invalid_field", field + " must be one of " + String.join(", ", allowed.stream().sorted().toList()));
        }
        return v;
    }

    private static JsonNode number(JsonNode e, String field) {
        JsonNode n = e.get(field);
        if (n == null || n.isNull()) {
            throw new InvalidEvent("missing_field", field + " is required");
        }
        if (!n.isNumber() || n.decimalValue().signum() < 0) {
            throw new InvalidEvent("invalid_field", field + " must be a number, 0 or more");
        }
        return n;
    }
}
