package dev.brain.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.metrics.Metrics;
import dev.brain.sessions.SessionCloser;
import dev.brain.support.Brain;
import dev.brain.support.OneBrainPerClass;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** OTel GenAI spans from the real OpenTelemetry Java SDK: an agent run becomes one session with exact numbers. */
class GenAiSpansTest extends OneBrainPerClass {
    GenAiSpansTest() {
        super("genai");
    }

    /** Every export sent twice, as an exporter retrying a whole request would: the second must count nothing. */
    private static SpanExporter twice(SpanExporter otlp) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                otlp.export(spans).join(60, TimeUnit.SECONDS);
                return otlp.export(spans);
            }

            @Override
            public CompletableResultCode flush() {
                return otlp.flush();
            }

            @Override
            public CompletableResultCode shutdown() {
                return otlp.shutdown();
            }
        };
    }

    @Test
    void an_agent_run_with_two_chats_and_three_tools_one_failing_is_one_session_with_exact_numbers() throws Exception {
        SpanExporter exporter = twice(OtlpHttpSpanExporter.builder().setEndpoint(brain.baseUrl() + "/v1/traces")
                .addHeader("Authorization", "Bearer " + key).setTimeout(Duration.ofSeconds(60)).build());
        var provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "travel-agent")))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()).build();
        Tracer tracer = provider.get("genai-test");
        Span agent = tracer.spanBuilder("invoke_agent trip-planner").setAttribute("gen_ai.operation.name", "invoke_agent")
                .setAttribute("gen_ai.agent.name", "trip-planner").setAttribute("gen_ai.conversation.id", "conv-42").startSpan();
        try (Scope ignored = agent.makeCurrent()) {
            tracer.spanBuilder("chat claude-sonnet-4-5").setAttribute("gen_ai.operation.name", "chat")
                    .setAttribute("gen_ai.request.model", "claude-sonnet-4-5").setAttribute("gen_ai.response.model", "claude-sonnet-4-5-20250929")
                    .setAttribute("gen_ai.usage.input_tokens", 1000L).setAttribute("gen_ai.usage.output_tokens", 200L)
                    .setAttribute("gen_ai.usage.cache_read.input_tokens", 300L).setAttribute("gen_ai.usage.cache_creation.input_tokens", 40L)
                    .setAttribute("gen_ai.input.messages", "[{\"role\":\"user\",\"content\":\"book me a flight to Oslo\"}]")
                    .startSpan().end();
            tool(tracer, "search_flights", StatusCode.OK);
            tool(tracer, "book_flight", StatusCode.ERROR);
            tool(tracer, "send_email", StatusCode.UNSET);
            // The previous attribute names still in use by older instrumentations.
            tracer.spanBuilder("chat").setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.request.model", "claude-haiku-4-5")
                    .setAttribute("gen_ai.usage.prompt_tokens", 70L).setAttribute("gen_ai.usage.completion_tokens", 9L).startSpan().end();
            tracer.spanBuilder("GET /flights").setAttribute("http.request.method", "GET").startSpan().end();
        } finally {
            agent.end();
        }
        assertTrue(provider.forceFlush().join(120, TimeUnit.SECONDS).isSuccess(), "the export failed");
        provider.shutdown().join(60, TimeUnit.SECONDS);

        new SessionCloser(brain.server.db().jdbi(), Duration.ofHours(1), new Metrics()).runOnce();
        var rows = brain.query("select event_type, payload::text from events where session_id = 'conv-42' order by id",
                rs -> Map.entry(rs.getString(1), rs.getString(2)));
        assertEquals(2, rows.size(), rows.toString());
        JsonNode start = Brain.JSON.readTree(rows.get(0).getValue());
        assertEquals("trip-planner", start.get("category").asText());
        assertEquals("otlp:travel-agent", start.get("source").asText());
        JsonNode end = Brain.JSON.readTree(rows.get(1).getValue());
        assertEquals("session.end", rows.get(1).getKey());
        assertEquals("success", end.get("status").asText());
        assertEquals(3, end.get("tool_calls").size());
        assertEquals(1, countNotOk(end.get("tool_calls")));
        JsonNode haiku = end.get("llm_usage").get(0);
        JsonNode sonnet = end.get("llm_usage").get(1);
        assertEquals("claude-haiku-4-5", haiku.get("model").asText());
        assertEquals(70, haiku.get("input_tokens").asLong());
        assertEquals(9, haiku.get("output_tokens").asLong());
        assertEquals("claude-sonnet-4-5-20250929", sonnet.get("model").asText());
        assertEquals(1000, sonnet.get("input_tokens").asLong(), "GenAI input tokens already include the cached ones");
        assertEquals(1000 - 300 - 40, sonnet.get("uncached_input_tokens").asLong());
        assertEquals(200, sonnet.get("output_tokens").asLong());
        assertEquals(300, sonnet.get("cache_read_input_tokens").asLong());
        assertEquals(40, sonnet.get("cache_creation_input_tokens").asLong());
        assertFalse(sonnet.has("cost_cents"), "spans carry no cost: unpriced, never zero");
        assertEquals(1, brain.count("select sum(records) from otlp_records_daily where customer_id = 'cust_genai' and name = 'non_genai'"));
        assertFalse(new String(brain.query("select string_agg(payload::text, '') from events", rs -> rs.getString(1)).get(0)
                .getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).contains("Oslo"), "message content is never stored");
    }

    private static void tool(Tracer tracer, String name, StatusCode status) {
        Span s = tracer.spanBuilder("execute_tool " + name).setAttribute("gen_ai.operation.name", "execute_tool")
                .setAttribute("gen_ai.tool.name", name).setAttribute("gen_ai.tool.call.arguments", "{\"to\":\"Oslo\"}").startSpan();
        s.setStatus(status);
        s.end();
    }

    private static long countNotOk(JsonNode calls) {
        long n = 0;
        for (JsonNode c : calls) {
            n += c.get("ok").asBoolean() ? 0 : 1;
        }
        return n;
    }
}
