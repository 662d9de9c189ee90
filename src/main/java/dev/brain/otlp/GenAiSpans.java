package dev.brain.otlp;

import dev.brain.ingest.EventValidator;
import dev.brain.sessions.Fragment;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * OTel GenAI spans into session records, with the current and the previous attribute names: chat / text_completion
 * → LLM usage, execute_tool → a tool call (duration from the span, ok from its status), a root invoke_agent → the
 * session's exact start, end and status. Session: gen_ai.conversation.id, else one seen on the same trace in this
 * export, else the trace id. Spans without gen_ai.operation.name are counted and dropped. Content attributes
 * (prompts, completions, tool arguments) are never read.
 */
final class GenAiSpans {
    private static final String OPERATION = "gen_ai.operation.name";
    private static final String CONVERSATION = "gen_ai.conversation.id";
    private static final String AGENT = "gen_ai.agent.name";
    private static final Set<String> LLM_OPERATIONS = Set.of("chat", "text_completion", "generate_content");
    private static final Set<String> KEYS = Set.of(OPERATION, CONVERSATION, AGENT, "gen_ai.request.model", "gen_ai.response.model",
            "gen_ai.tool.name", "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "gen_ai.usage.output_tokens",
            "gen_ai.usage.completion_tokens", "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens",
            "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens");

    private final Timestamps timestamps;

    GenAiSpans(Timestamps timestamps) {
        this.timestamps = timestamps;
    }

    /** What one export says about each trace: its conversation id and its root agent's name, wherever they appear. */
    static final class Traces {
        private final Map<String, String> conversation = new HashMap<>();
        private final Map<String, String> agent = new HashMap<>();

        void learn(List<Span> spans) {
            for (Span s : spans) {
                Attrs a = Attrs.of(Set.of(CONVERSATION, AGENT, OPERATION), s.getAttributesList());
                String trace = Ids.hex(s.getTraceId());
                try {
                    if (a.name(CONVERSATION) != null) {
                        conversation.putIfAbsent(trace, a.name(CONVERSATION));
                    }
                    if ("invoke_agent".equals(a.name(OPERATION)) && a.name(AGENT) != null && s.getParentSpanId().isEmpty()) {
                        agent.put(trace, a.name(AGENT));
                    }
                } catch (RuntimeException ignored) {
                    // a malformed attribute refuses its own span when that span is mapped
                }
            }
        }
    }

    Mapped map(Origin origin, Traces traces, Span span) {
        Attrs a = Attrs.of(KEYS, span.getAttributesList());
        String operation = a.name(OPERATION);
        String trace = Ids.hex(span.getTraceId());
        UUID id = Ids.of("span", trace, Ids.hex(span.getSpanId()));
        Instant start = timestamps.check(span.getStartTimeUnixNano());
        if (operation == null) {
            return Mapped.counted(new UsageStore.Named(id, start, "traces", "non_genai"));
        }
        Instant end = span.getEndTimeUnixNano() == 0 ? start : timestamps.check(span.getEndTimeUnixNano());
        Long ms = end.isBefore(start) ? null : Math.min(EventValidator.MAX_DURATION_MS, (end.toEpochMilli() - start.toEpochMilli()));
        boolean ok = span.getStatus().getCode() != Status.StatusCode.STATUS_CODE_ERROR;
        String sessionId = a.name(CONVERSATION);
        if (sessionId == null) {
            sessionId = traces.conversation.getOrDefault(trace, trace);
        }
        Fragment.Session s = origin.session(sessionId, origin.categorySet() ? null : traces.agent.get(trace));
        if (LLM_OPERATIONS.contains(operation)) {
            String model = a.name("gen_ai.response.model") != null ? a.name("gen_ai.response.model") : a.name("gen_ai.request.model");
            // GenAI's input_tokens include the cached ones (semantic conventions); the sessionizer takes them apart.
            long input = tokens(a, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens");
            long cacheRead = tokens(a, "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens");
            long cacheCreation = tokens(a, "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens");
            var usage = new Fragment.Usage(Math.max(0, input - cacheRead - cacheCreation),
                    tokens(a, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"), cacheRead, cacheCreation, null);
            Fragment llm = Fragment.llm(s, id, start, model, usage, ms);
            return ok ? Mapped.of(llm) : Mapped.of(llm, Fragment.error(s, Ids.of(id.toString(), "error"), end, "gen_ai." + operation));
        }
        if (operation.equals("execute_tool")) {
            String tool = a.name("gen_ai.tool.name");
            String name = tool != null ? tool : span.getName().isEmpty() ? "tool" : truncate(span.getName());
            return Mapped.of(Fragment.tool(s, id, start, name, ok, ms));
        }
        if (operation.equals("invoke_agent") && span.getParentSpanId().isEmpty()) {
            return Mapped.of(Fragment.end(s, id, start, end, ok ? "success" : "failed"));
        }
        return Mapped.counted(new UsageStore.Named(id, start, "traces", "gen_ai." + truncate(operation)));
    }

    // Current names first, then the previous ones (gen_ai.usage.prompt_tokens, ...).
    private static long tokens(Attrs a, String current, String previous) {
        Long n = a.count(current, EventValidator.MAX_TOKENS);
        if (n == null) {
            n = a.count(previous, EventValidator.MAX_TOKENS);
        }
        return n == null ? 0 : n;
    }

    private static String truncate(String s) {
        return s.length() > Attrs.MAX_NAME ? s.substring(0, Attrs.MAX_NAME) : s;
    }
}
