package dev.brain.dialects;

import static dev.brain.dialects.Dialects.accepted;
import static dev.brain.dialects.Dialects.analytics;
import static dev.brain.dialects.Dialects.answer;
import static dev.brain.dialects.Dialects.id;
import static dev.brain.support.Brain.batch;
import static dev.brain.support.Brain.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.support.Brain;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The same session sent four ways, each by its own customer: as one session.end with everything embedded
 * (cust_whole), as granular events (cust_granular), in the lean pipeline's names (cust_lean), and both
 * embedded and granular at once (cust_both). Every analytics endpoint answers the same for all four.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GranularEventsTest {
    private static final List<String> QUESTIONS = List.of("engagement", "tools", "spend", "categories", "outcomes", "models",
            "outcomes/business", "health", "last-seen");
    private static final String TOOLS = "[{\"name\":\"search\",\"ms\":100,\"ok\":true},{\"name\":\"send_email\",\"ms\":2000,\"ok\":false},"
            + "{\"name\":\"lookup\",\"ms\":50,\"ok\":true}]";
    private static final String USAGE = "[{\"model\":\"m1\",\"input_tokens\":1000,\"output_tokens\":100,\"cost_cents\":1.5,\"latency_ms\":800},"
            + "{\"model\":\"m2\",\"input_tokens\":500,\"output_tokens\":50,\"cost_cents\":0.25,\"latency_ms\":1200},"
            + "{\"model\":\"m1\",\"input_tokens\":200,\"output_tokens\":20,\"cost_cents\":0.3,\"latency_ms\":300}]";
    private Brain brain;
    private final Instant at = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    @BeforeAll
    void send() throws Exception {
        brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", Dialects.TOKEN, "BRAIN_ROLLUP_INTERVAL_S", "3600"));
        String whole = brain.newAgentKey("cust_whole", "agent_whole", "b");
        String granular = brain.newAgentKey("cust_granular", "agent_granular", "b");
        String lean = brain.newAgentKey("cust_lean", "agent_lean", "b");
        String both = brain.newAgentKey("cust_both", "agent_both", "b");

        accepted(brain.post(whole, batch(List.of(
                event(id(), at.toString(), "session.start", "s1", "{\"category\":\"refunds\"}"),
                event(id(), at.plusSeconds(1).toString(), "business.event", "s1", "{\"name\":\"qualified_lead_created\",\"value\":120.5,\"unit\":\"EUR\"}"),
                event(id(), at.plusSeconds(9).toString(), "session.end", "s1",
                        "{\"status\":\"success\",\"duration_ms\":9000,\"tool_calls\":" + TOOLS + ",\"llm_usage\":" + USAGE + "}")))), 3);

        List<String> steps = List.of(
                event(id(), at.toString(), "session.start", "s1", "{\"category\":\"refunds\"}"),
                event(id(), at.plusSeconds(1).toString(), "business.event", "s1", "{\"name\":\"qualified_lead_created\",\"value\":120.5,\"unit\":\"EUR\"}"),
                event(id(), at.plusSeconds(2).toString(), "tool.call", "s1", "{\"name\":\"search\",\"ms\":100,\"ok\":true}"),
                event(id(), at.plusSeconds(3).toString(), "tool.call", "s1", "{\"name\":\"send_email\",\"ms\":2000,\"status\":\"failure\",\"error_type\":\"smtp\"}"),
                event(id(), at.plusSeconds(4).toString(), "tool.call", "s1", "{\"name\":\"lookup\",\"ms\":50,\"status\":\"success\"}"),
                event(id(), at.plusSeconds(5).toString(), "llm.call", "s1", "{\"model\":\"m1\",\"input_tokens\":1000,\"output_tokens\":100,\"cost_cents\":1.5,\"latency_ms\":800,\"success\":true}"),
                event(id(), at.plusSeconds(6).toString(), "llm.call", "s1", "{\"model\":\"m2\",\"input_tokens\":500,\"output_tokens\":50,\"cost_cents\":0.25,\"latency_ms\":1200}"),
                event(id(), at.plusSeconds(7).toString(), "llm.call", "s1", "{\"model\":\"m1\",\"input_tokens\":200,\"output_tokens\":20,\"cost_cents\":0.3,\"latency_ms\":300}"),
                event(id(), at.plusSeconds(8).toString(), "session.update", "s1", "{\"summary_raw\":\"Refunded order 1234 for jane@example.com\"}"),
                event(id(), at.plusSeconds(9).toString(), "session.end", "s1", "{\"status\":\"success\",\"duration_ms\":9000}"));
        accepted(brain.post(granular, batch(steps)), steps.size());

        List<String> aliased = List.of(
                lean(at, "agent_run_started", "{\"category\":\"refunds\"}"),
                lean(at.plusSeconds(1), "business_event", "{\"name\":\"qualified_lead_created\",\"value\":120.5,\"unit\":\"EUR\"}"),
                lean(at.plusSeconds(2), "tool_call", "{\"tool_name\":\"search\",\"latency_ms\":100,\"status\":\"success\"}"),
                lean(at.plusSeconds(3), "tool_call", "{\"tool_name\":\"send_email\",\"latency_ms\":2000,\"status\":\"failure\"}"),
                lean(at.plusSeconds(4), "tool_call", "{\"tool_name\":\"lookup\",\"latency_ms\":50,\"status\":\"success\"}"),
                lean(at.plusSeconds(5), "llm_call", "{\"model\":\"m1\",\"input_tokens\":1000,\"output_tokens\":100,\"cost_cents\":1.5,\"latency_ms\":800}"),
                lean(at.plusSeconds(6), "llm_call", "{\"model\":\"m2\",\"input_tokens\":500,\"output_tokens\":50,\"cost_cents\":0.25,\"latency_ms\":1200}"),
                lean(at.plusSeconds(7), "llm_call", "{\"model\":\"m1\",\"input_tokens\":200,\"output_tokens\":20,\"cost_cents\":0.3,\"latency_ms\":300}"),
                lean(at.plusSeconds(9), "agent_run_finished", "{\"status\":\"success\",\"duration_ms\":9000}"));
        accepted(brain.post(lean, batch(aliased)), aliased.size());

        // Granular events first, then a session.end that embeds the same calls: each call counts once.
        List<String> twice = new java.util.ArrayList<>(steps.subList(0, 8).stream().map(GranularEventsTest::freshId).toList());
        twice.add(event(id(), at.plusSeconds(9).toString(), "session.end", "s1",
                "{\"status\":\"success\",\"duration_ms\":9000,\"tool_calls\":" + TOOLS + ",\"llm_usage\":" + USAGE + "}"));
        accepted(brain.post(both, batch(twice)), twice.size());
        Dialects.fold(brain);
    }

    private static String lean(Instant ts, String type, String payload) {
        return "{\"event_id\":\"" + id() + "\",\"occurred_at\":\"" + ts + "\",\"event_type\":\"" + type
                + "\",\"run_id\":\"s1\",\"payload\":" + payload + "}";
    }

    private static String freshId(String event) {
        return event.replaceFirst("\"event_id\":\"[^\"]+\"", "\"event_id\":\"" + id() + "\"");
    }

    @AfterAll
    void stop() {
        brain.close();
    }

    @Test
    void a_session_sent_as_granular_events_answers_exactly_as_one_session_end_on_every_endpoint() {
        for (String q : QUESTIONS) {
            assertEquals(answer(brain, q, "cust_whole"), answer(brain, q, "cust_granular"), q);
        }
    }

    @Test
    void the_lean_pipeline_aliases_answer_exactly_as_our_own_names() {
        for (String q : QUESTIONS) {
            assertEquals(answer(brain, q, "cust_whole"), answer(brain, q, "cust_lean"), q);
        }
    }

    @Test
    void calls_sent_both_separately_and_embedded_count_once() {
        for (String q : QUESTIONS) {
            assertEquals(answer(brain, q, "cust_whole"), answer(brain, q, "cust_both"), q);
        }
    }

    @Test
    void the_answers_are_the_sessions_numbers_to_the_cent() {
        JsonNode spend = analytics(brain, "spend", "cust_granular").get(0);
        assertEquals("2.05", spend.get("cost_cents").asText());
        assertEquals(1700, spend.get("input_tokens").asInt());
        JsonNode tools = analytics(brain, "tools", "cust_granular");
        assertEquals(3, tools.size());
        JsonNode sendEmail = java.util.stream.StreamSupport.stream(tools.spliterator(), false)
                .filter(t -> t.get("tool").asText().equals("send_email")).findFirst().orElseThrow();
        assertEquals(1, sendEmail.get("failures").asInt());
        JsonNode m1 = analytics(brain, "models", "cust_granular").get(0);
        assertEquals("m1", m1.get("model").asText());
        assertEquals(2, m1.get("calls").asInt());
        assertEquals("1.8", m1.get("cost_cents").asText());
        assertEquals(0, m1.get("unpriced_calls").asInt());
        JsonNode business = analytics(brain, "outcomes/business", "cust_granular").get(0);
        assertEquals("qualified_lead_created", business.get("name").asText());
        assertEquals(1, business.get("events").asInt());
        assertEquals(120.5, business.get("value_sum").asDouble());
        JsonNode outcome = analytics(brain, "outcomes", "cust_granular").get(0);
        assertEquals(1, outcome.get("success").asInt());
    }

    @Test
    void a_session_update_summary_is_kept_under_the_privacy_tier_like_any_other() {
        assertEquals(0, brain.count("select count(*) from events where payload ? 'summary_raw'"));
        assertTrue(brain.count("select count(*) from events where event_type = 'session.update'") >= 1);
    }
}
