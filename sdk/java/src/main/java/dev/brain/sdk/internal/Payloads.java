package dev.brain.sdk.internal;

import java.util.List;
import java.util.Map;

/** The payloads the SDK itself builds (SPEC §4.1), each already within the brain's limits. */
public final class Payloads {

    private Payloads() {
    }

    public static Payload sessionStart(String category, String source) {
        return (out, level) -> {
            out.append("{\"category\":");
            Json.string(out, category, Limits.SHORT_STRING);
            if (source != null) {
                out.append(",\"source\":");
                Json.string(out, source, Limits.SHORT_STRING);
            }
            out.append('}');
            return level == 0;
        };
    }

    public static Payload error(String message, String kind, String stackHash) {
        return (out, level) -> {
            out.append("{\"message\":");
            Json.string(out, message, Limits.MESSAGE);
            out.append(",\"kind\":");
            Json.string(out, kind, Limits.SHORT_STRING);
            out.append(",\"stack_hash\":");
            Json.string(out, stackHash, Limits.SHORT_STRING);
            out.append('}');
            return level == 0;
        };
    }

    public static Payload heartbeat(String agentVersion, long uptimeSeconds, long dropped) {
        return (out, level) -> {
            out.append("{\"agent_version\":");
            Json.string(out, agentVersion, Limits.SHORT_STRING);
            out.append(",\"pid_uptime_s\":").append(Limits.clamp(uptimeSeconds, Limits.UPTIME_S));
            out.append(",\"dropped_events_since_last\":").append(Limits.clamp(dropped, Limits.DROPPED));
            out.append('}');
            return level == 0;
        };
    }

    /** One tool call of a session. */
    public static final class ToolCall {
        final String name;
        final long millis;
        final boolean ok;

        public ToolCall(String name, long millis, boolean ok) {
            this.name = name;
            this.millis = millis;
            this.ok = ok;
        }
    }

    /** Summed usage of one model within a session. */
    public static final class LlmUsage {
        long inputTokens;
        long outputTokens;
        double costCents;

        public void add(long input, long output, double cents) {
            // Saturating: both terms are at most the bound, so the sum cannot overflow.
            inputTokens = Limits.clamp(inputTokens + Limits.clamp(input, Limits.TOKENS), Limits.TOKENS);
            outputTokens = Limits.clamp(outputTokens + Limits.clamp(output, Limits.TOKENS), Limits.TOKENS);
            if (cents > 0 && !Double.isInfinite(cents)) {
                costCents = Math.min(Limits.COST_CENTS, costCents + cents);
            }
        }
    }

    /** {@code session.end}; when too big, later levels keep fewer tool calls and say how many went. */
    public static Payload sessionEnd(String status, String category, long durationMillis, List<ToolCall> tools,
                                     long toolsNotKept, Map<String, LlmUsage> usage, String summary,
                                     String reason, Map<String, Object> attributes) {
        return (out, level) -> {
            if (level > 11) {
                return false;
            }
            int keep = Math.min(tools.size(), Limits.TOOL_CALLS >> level);
            out.append("{\"status\":");
            Json.string(out, status, Limits.SHORT_STRING);
            out.append(",\"category\":");
            Json.string(out, category, Limits.SHORT_STRING);
            out.append(",\"duration_ms\":").append(Limits.clamp(durationMillis, Limits.DURATION_MS));
            out.append(",\"tool_calls\":[");
            for (int i = 0; i < keep; i++) {
                ToolCall t = tools.get(i);
                if (i > 0) {
                    out.append(',');
                }
                out.append("{\"name\":");
                Json.string(out, t.name, Limits.SHORT_STRING);
                out.append(",\"ms\":").append(Limits.clamp(t.millis, Limits.DURATION_MS)).append(",\"ok\":").append(t.ok).append('}');
            }
            out.append(']');
            long notKept = toolsNotKept + tools.size() - keep;
            if (notKept > 0) {
                out.append(",\"tool_calls_dropped\":").append(notKept);
            }
            out.append(",\"llm_usage\":[");
            boolean first = true;
            for (Map.Entry<String, LlmUsage> e : usage.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                LlmUsage u = e.getValue();
                out.append("{\"model\":");
                Json.string(out, e.getKey(), Limits.SHORT_STRING);
                out.append(",\"input_tokens\":").append(u.inputTokens);
                out.append(",\"output_tokens\":").append(u.outputTokens);
                out.append(",\"cost_cents\":");
                Json.number(out, u.costCents);
                out.append('}');
            }
            out.append(']');
            if (summary != null) {
                out.append(",\"summary_raw\":");
                Json.string(out, summary, Limits.SUMMARY);
            }
            if (reason != null) {
                out.append(",\"failure_reason\":");
                Json.string(out, reason, Limits.MESSAGE);
            }
            if (attributes != null && level < 2) {
                Json.Caps caps = level == 0 ? Json.Caps.NORMAL : Json.Caps.TIGHT;
                for (Map.Entry<String, Object> e : attributes.entrySet()) {
                    out.append(',');
                    Json.string(out, e.getKey(), 256);
                    out.append(':');
                    Json.value(out, e.getValue(), caps);
                }
            }
            out.append('}');
            return true;
        };
    }
}
