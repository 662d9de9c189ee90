package dev.brain.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The lean pipeline's event names and field names, rewritten to ours before validation (README "Granular events"):
 * agent_run_started → session.start, agent_run_finished → session.end, tool_call, llm_call, business_event; and
 * occurred_at → ts, run_id → session_id, tool_name → name, latency_ms → ms (tool calls), status words → ours.
 * A field already present under our name wins. The stored event is ours, so everything downstream sees one shape.
 */
final class LeanPipeline {
    private static final Map<String, String> TYPES = Map.of(
            "agent_run_started", "session.start", "agent_run_finished", "session.end",
            "tool_call", "tool.call", "llm_call", "llm.call", "business_event", "business.event");
    private static final Map<String, String> RUN_STATUSES = Map.of(
            "success", "success", "succeeded", "success", "completed", "success",
            "failure", "failed", "failed", "failed", "error", "failed", "timeout", "failed",
            "escalated", "escalated");

    private LeanPipeline() {
    }

    /** Rewrites an aliased event in place; any other event is left untouched. */
    static void normalise(JsonNode node) {
        if (!(node instanceof ObjectNode e) || !e.path("event_type").isTextual()) {
            return;
        }
        String ours = TYPES.get(e.get("event_type").asText());
        if (ours == null) {
            return;
        }
        e.put("event_type", ours);
        rename(e, "occurred_at", "ts");
        rename(e, "run_id", "session_id");
        if (!(e.get("payload") instanceof ObjectNode p)) {
            return;
        }
        switch (ours) {
            case "session.start" -> {
                if (!p.has("category")) {
                    p.put("category", "uncategorised");
                }
            }
            case "session.end" -> {
                JsonNode s = p.get("status");
                if (s != null && s.isTextual() && RUN_STATUSES.containsKey(s.asText())) {
                    p.put("status", RUN_STATUSES.get(s.asText()));
                }
            }
            case "tool.call" -> {
                rename(p, "tool_name", "name");
                rename(p, "latency_ms", "ms");
            }
            default -> {
            }
        }
    }

    private static void rename(ObjectNode o, String from, String to) {
        if (o.has(from) && !o.has(to)) {
            o.set(to, o.remove(from));
        }
    }
}
