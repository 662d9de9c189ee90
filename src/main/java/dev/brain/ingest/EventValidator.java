package dev.brain.ingest;

import dev.brain.error.InvalidEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** The per-event rules of the wire contract (SPEC §4.1–4.2). Throws {@link InvalidEvent}. */
public final class EventValidator {
    public static final int MAX_PAYLOAD_BYTES = 32 * 1024;
    public static final int MAX_DEPTH = 32;
    public static final int MAX_NAME = 128;
    public static final int MAX_MESSAGE = 2000;
    public static final int MAX_SUMMARY = 4000;
    public static final int MAX_TOOL_CALLS = 1000;
    // Upper bounds of the contract's numbers: generous for any real agent, and small enough that the
    // rollups' sums (numeric) and casts (double precision for latency buckets) can never overflow.
    public static final long MAX_DURATION_MS = 366L * 24 * 3600 * 1000;
    public static final long MAX_TOKENS = 1_000_000_000_000L;
    public static final long MAX_COST_CENTS = 1_000_000_000L;
    public static final long MAX_UPTIME_S = 1_000_000_000L;
    public static final long MAX_DROPPED = 1_000_000_000_000L;
    private static final Duration MAX_FUTURE = Duration.ofHours(1);
    private static final Set<String> STATUSES = Set.of("success", "failed", "escalated");
    private static final Pattern STACK_HASH = Pattern.compile("sha256:[0-9a-f]{64}");

    private final ObjectMapper json;
    private final Clock clock;
    private final Duration retention;

    public EventValidator(ObjectMapper json, Clock clock, Duration retention) {
        this.json = json;
        this.clock = clock;
        this.retention = retention;
    }

    public Envelope validate(JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidEvent("invalid_envelope", "an event must be a JSON object");
        }
        LeanPipeline.normalise(node);
        UUID eventId = eventId(node.get("event_id"));
        Instant ts = timestamp(node.get("ts"));
        String type = Fields.requiredText(node, "event_type", MAX_NAME, "event_type");
        String sessionId = Fields.optionalText(node, "session_id", MAX_NAME, "session_id");
        JsonNode payload = node.get("payload");
        if (payload == null || payload.isNull()) {
            payload = json.createObjectNode();
        }
        if (!payload.isObject()) {
            throw new InvalidEvent("invalid_payload", "payload must be a JSON object");
        }
        ObjectNode p = (ObjectNode) payload;
        // Serialised only when its size is in doubt: ingest serialises the payload it stores (priced, privacy applied) anyway.
        if (Fields.checkTree(p, 1) > MAX_PAYLOAD_BYTES) {
            int size = serialise(p).length;
            if (size > MAX_PAYLOAD_BYTES) {
                throw new InvalidEvent("payload_too_large", "payload is " + size + " bytes; the limit is " + MAX_PAYLOAD_BYTES);
            }
        }
        switch (type) {
            case "session.start" -> sessionStart(p, sessionId);
            case "session.end" -> sessionEnd(p, sessionId);
            case "error" -> error(p);
            case "heartbeat" -> heartbeat(p);
            case "tool.call", "llm.call", "session.update", "business.event" -> GranularEvents.validate(type, p, sessionId, STATUSES);
            default -> throw new InvalidEvent("unknown_event_type", "event_type must be session.start, session.end, error, heartbeat, "
                    + "tool.call, llm.call, session.update or business.event (or a lean-pipeline alias)");
        }
        // Any event type may carry a summary; the privacy tiers apply to it wherever it is (IngestService).
        Fields.optionalText(p, "summary_raw", MAX_SUMMARY, "payload.summary_raw");
        return new Envelope(eventId, ts, type, sessionId, p);
    }

    private static UUID eventId(JsonNode n) {
        if (n == null || !n.isTextual() || !isUuid(n.asText())) {
            throw new InvalidEvent("invalid_event_id", "event_id must be a UUID string");
        }
        return UUID.fromString(n.asText());
    }

    /** 8-4-4-4-12 hex digits, the only form accepted (UUID.fromString alone is lenient). */
    static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23) ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private Instant timestamp(JsonNode n) {
        if (n == null || !n.isTextual()) {
            throw new InvalidEvent("invalid_ts", "ts must be an RFC 3339 timestamp string");
        }
        Instant ts = Rfc3339.parse(n.asText());
        if (ts == null) {
            throw new InvalidEvent("invalid_ts", "ts must be an RFC 3339 timestamp with an offset, e.g. 2026-04-29T10:30:00Z");
        }
        Instant now = clock.instant();
        if (ts.isAfter(now.plus(MAX_FUTURE))) {
            throw new InvalidEvent("ts_in_future", "ts is more than 1 hour in the future");
        }
        if (ts.isBefore(now.minus(retention))) {
            throw new InvalidEvent("ts_too_old", "ts is older than the retention horizon (" + retention.toDays() + " days)");
        }
        return ts;
    }

    private static void sessionStart(ObjectNode p, String sessionId) {
        requireSession(sessionId);
        Fields.requiredText(p, "category", MAX_NAME, "payload.category");
        Fields.optionalText(p, "source", MAX_NAME, "payload.source");
    }

    private static void sessionEnd(ObjectNode p, String sessionId) {
        requireSession(sessionId);
        // Optional: without it, the session's latest session.update says, else success (README "Granular events").
        String status = Fields.optionalText(p, "status", MAX_NAME, "payload.status");
        if (status != null && !STATUSES.contains(status)) {
            throw new InvalidEvent("invalid_field", "payload.status must be success, failed or escalated");
        }
        Fields.bounded(p.get("duration_ms"), "payload.duration_ms", true, MAX_DURATION_MS, "366 days in milliseconds");
        JsonNode calls = p.get("tool_calls");
        if (calls != null && !calls.isNull()) {
            if (!calls.isArray()) {
                throw new InvalidEvent("invalid_field", "payload.tool_calls must be an array");
            }
            if (calls.size() > MAX_TOOL_CALLS) {
                throw new InvalidEvent("too_many_tool_calls", "payload.tool_calls has " + calls.size() + " entries; the limit is " + MAX_TOOL_CALLS);
            }
            for (int i = 0; i < calls.size(); i++) {
                JsonNode c = calls.get(i);
                String at = "payload.tool_calls[" + i + "]";
                if (!c.isObject()) {
                    throw new InvalidEvent("invalid_field", at + " must be an object");
                }
                Fields.requiredText(c, "name", MAX_NAME, at + ".name");
                Fields.bounded(c.get("ms"), at + ".ms", false, MAX_DURATION_MS, "366 days in milliseconds");
                JsonNode ok = c.get("ok");
                if (ok != null && !ok.isNull() && !ok.isBoolean()) {
                    throw new InvalidEvent("invalid_field", at + ".ok must be true or false");
                }
            }
        }
        JsonNode usage = p.get("llm_usage");
        if (usage != null && !usage.isNull()) {
            if (usage.isObject()) {
                llmUsage(usage, "payload.llm_usage");
            } else if (usage.isArray()) {
                if (usage.size() > MAX_TOOL_CALLS) {
                    throw new InvalidEvent("invalid_field", "payload.llm_usage has more than " + MAX_TOOL_CALLS + " entries");
                }
                for (int i = 0; i < usage.size(); i++) {
                    llmUsage(usage.get(i), "payload.llm_usage[" + i + "]");
                }
            } else {
                throw new InvalidEvent("invalid_field", "payload.llm_usage must be an object or an array of objects");
            }
        }
    }

    private static void llmUsage(JsonNode u, String at) {
        if (!u.isObject()) {
            throw new InvalidEvent("invalid_field", at + " must be an object");
        }
        Fields.optionalText(u, "model", MAX_NAME, at + ".model");
        Fields.bounded(u.get("input_tokens"), at + ".input_tokens", true, MAX_TOKENS, "tokens per entry");
        Fields.bounded(u.get("output_tokens"), at + ".output_tokens", true, MAX_TOKENS, "tokens per entry");
        Fields.bounded(u.get("cache_read_tokens"), at + ".cache_read_tokens", true, MAX_TOKENS, "tokens per entry");
        Fields.bounded(u.get("cache_creation_tokens"), at + ".cache_creation_tokens", true, MAX_TOKENS, "tokens per entry");
        Fields.bounded(u.get("cost_cents"), at + ".cost_cents", false, MAX_COST_CENTS, "cents per entry, $10 million");
        Fields.bounded(u.get("latency_ms"), at + ".latency_ms", false, MAX_DURATION_MS, "366 days in milliseconds");
        Fields.bounded(u.get("calls"), at + ".calls", true, MAX_TOKENS, "calls per entry");
    }

    private static void error(ObjectNode p) {
        Fields.optionalText(p, "message", MAX_MESSAGE, "payload.message");
        Fields.optionalText(p, "kind", MAX_NAME, "payload.kind");
        String hash = Fields.optionalText(p, "stack_hash", MAX_NAME, "payload.stack_hash");
        if (hash != null && !STACK_HASH.matcher(hash).matches()) {
            throw new InvalidEvent("invalid_field", "payload.stack_hash must be sha256:<64 lowercase hex digits>");
        }
    }

    private static void heartbeat(ObjectNode p) {
        Fields.optionalText(p, "agent_version", MAX_NAME, "payload.agent_version");
        Fields.bounded(p.get("pid_uptime_s"), "payload.pid_uptime_s", false, MAX_UPTIME_S, "seconds, about 31 years");
        Fields.bounded(p.get("dropped_events_since_last"), "payload.dropped_events_since_last", true, MAX_DROPPED, "events");
    }

    private static void requireSession(String sessionId) {
        if (sessionId == null || sessionId.isEmpty()) {
            throw new InvalidEvent("missing_field", "session_id is required for session events");
        }
    }

    private byte[] serialise(ObjectNode p) {
        try {
            return json.writeValueAsBytes(p);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidEvent("invalid_payload", "payload cannot be serialised");
        }
    }
}
