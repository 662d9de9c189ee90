package dev.brain.otlp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brain.error.InvalidEvent;
import dev.brain.ingest.EventValidator;
import dev.brain.sessions.Fragment;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Claude Code's log events (service.name = claude-code) into session records: api_request → LLM usage, tool_result →
 * a tool call, api_error → an error event and an error record, user_prompt → a prompt (its length only: the text is
 * never read), tool_decision reject → escalated. Any other event, and logs of other services, are counted by name.
 * Only the attributes listed in KEYS are read: user.email, user.account_uuid, organization.id, prompt text never are.
 */
final class ClaudeCodeLogs {
    private static final String PREFIX = "claude_code.";
    private static final long MAX_COST_USD = EventValidator.MAX_COST_CENTS / 100;
    private static final Set<String> KEYS = Set.of("event.name", "session.id", "event.sequence", "model", "input_tokens",
            "output_tokens", "cache_read_tokens", "cache_creation_tokens", "cost_usd", "duration_ms", "tool_name", "success",
            "status_code", "prompt_length", "decision", "ttft_ms", "query_source");

    private final ObjectMapper json;
    private final EventValidator validator;
    private final Timestamps timestamps;

    ClaudeCodeLogs(ObjectMapper json, EventValidator validator, Timestamps timestamps) {
        this.json = json;
        this.validator = validator;
        this.timestamps = timestamps;
    }

    Mapped map(Origin origin, LogRecord r) {
        Attrs a = Attrs.of(KEYS, r.getAttributesList());
        String event = eventName(a, r);
        Instant ts = timestamps.check(r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano());
        String sessionId = a.name("session.id");
        UUID id = sessionId != null && a.has("event.sequence")
                ? Ids.of("log", sessionId, a.name("event.sequence"), event) : Ids.of(r.toByteArray());
        if (!origin.claudeCode() || sessionId == null) {
            if (origin.claudeCode() && Set.of("api_request", "tool_result", "api_error", "user_prompt").contains(event)) {
                throw new InvalidEvent("missing_field", "a Claude Code " + event + " record needs the session.id attribute");
            }
            return Mapped.counted(new UsageStore.Named(id, ts, "logs", origin.claudeCode() ? PREFIX + event : event));
        }
        Fragment.Session s = origin.session(sessionId, null);
        return switch (event) {
            case "api_request" -> Mapped.of(Fragment.llm(s, id, ts, a.name("model"), new Fragment.Usage(
                    tokens(a, "input_tokens"), tokens(a, "output_tokens"), tokens(a, "cache_read_tokens"),
                    tokens(a, "cache_creation_tokens"), cents(a.number("cost_usd", MAX_COST_USD))), ms(a),
                    a.count("ttft_ms", EventValidator.MAX_DURATION_MS), subagent(a.name("query_source"))));
            case "tool_result" -> Mapped.of(Fragment.tool(s, id, ts, toolName(a), !Boolean.FALSE.equals(a.bool("success")), ms(a)));
            case "user_prompt" -> Mapped.of(Fragment.prompt(s, id, ts, a.count("prompt_length", EventValidator.MAX_TOKENS)));
            case "api_error" -> new Mapped(List.of(Fragment.error(s, id, ts, PREFIX + event)), errorEvent(origin, id, ts, sessionId, a), null);
            case "tool_decision" -> "reject".equals(a.name("decision"))
                    ? Mapped.of(Fragment.status(s, id, ts, "escalated"))
                    : Mapped.counted(new UsageStore.Named(id, ts, "logs", PREFIX + event));
            default -> Mapped.counted(new UsageStore.Named(id, ts, "logs", PREFIX + event));
        };
    }

    // event.name carries no prefix in the real CLI; the body says claude_code.<event>. Any other body is free text
    // (it may hold personal data) and is never read.
    private static String eventName(Attrs a, LogRecord r) {
        String name = a.name("event.name");
        String body = r.getBody().getValueCase() == AnyValue.ValueCase.STRING_VALUE ? r.getBody().getStringValue() : "";
        if (name == null && body.startsWith(PREFIX) && body.length() <= Attrs.MAX_NAME && body.indexOf('\0') < 0) {
            name = body;
        }
        if (name == null || name.isBlank()) {
            return "log";
        }
        return name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
    }

    private static String toolName(Attrs a) {
        String name = a.name("tool_name");
        if (name == null) {
            throw new InvalidEvent("missing_field", "a tool_result record needs the tool_name attribute");
        }
        return name;
    }

    private static long tokens(Attrs a, String key) {
        Long n = a.count(key, EventValidator.MAX_TOKENS);
        return n == null ? 0 : n;
    }

    private static Long ms(Attrs a) {
        BigDecimal d = a.number("duration_ms", EventValidator.MAX_DURATION_MS);
        return d == null ? null : d.longValue();
    }

    // query_source: "repl_main_thread", "sdk", "compact"... for the main conversation, "agent:<name>" for a subagent.
    private static Boolean subagent(String querySource) {
        return querySource == null ? null : querySource.startsWith("agent");
    }

    static BigDecimal cents(BigDecimal usd) {
        return usd == null ? null : usd.movePointRight(2).stripTrailingZeros();
    }

    // The error event goes through the same validator as /v1/events: same limits, same storage.
    private dev.brain.ingest.Envelope errorEvent(Origin origin, UUID id, Instant ts, String sessionId, Attrs a) {
        ObjectNode e = json.createObjectNode().put("event_id", id.toString()).put("ts", ts.toString())
                .put("event_type", "error").put("session_id", sessionId);
        ObjectNode p = e.putObject("payload").put("kind", PREFIX + "api_error").put("source", origin.source());
        Long status = a.count("status_code", 999);
        if (status != null) {
            p.put("status_code", status);
        }
        String model = a.name("model");
        if (model != null) {
            p.put("model", model);
        }
        return validator.validate(e);
    }
}
