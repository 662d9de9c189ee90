package dev.brain.dialects;

import static dev.brain.dialects.Dialects.accepted;
import static dev.brain.dialects.Dialects.analytics;
import static dev.brain.dialects.Dialects.answer;
import static dev.brain.dialects.Dialects.id;
import static dev.brain.support.Brain.batch;
import static dev.brain.support.Brain.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.support.Brain;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sessions sent only as granular events (no session.start, no session.end) are assembled by the sessionizer: opened at
 * their first record, closed when idle with a session.end that carries their calls, and answered like a session sent
 * whole. A session whose sender starts it itself is left to the sender.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GranularSessionsTest {
    private static final List<String> QUESTIONS = List.of("engagement", "tools", "spend", "categories", "outcomes", "models");
    private static final String TOOLS = "[{\"name\":\"search\",\"ms\":100,\"ok\":true},{\"name\":\"send_email\",\"ms\":2000,\"ok\":false},"
            + "{\"name\":\"lookup\",\"ms\":50,\"ok\":true}]";
    private static final String USAGE = "[{\"model\":\"m1\",\"input_tokens\":1000,\"output_tokens\":100,\"cost_cents\":1.5,\"latency_ms\":800},"
            + "{\"model\":\"m2\",\"input_tokens\":500,\"output_tokens\":50,\"cost_cents\":0.25,\"latency_ms\":1200},"
            + "{\"model\":\"m1\",\"input_tokens\":200,\"output_tokens\":20,\"cost_cents\":0.3,\"latency_ms\":300}]";
    private Brain brain;
    private final Instant at = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    @BeforeAll
    void send() throws Exception {
        brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", Dialects.TOKEN, "BRAIN_ROLLUP_INTERVAL_S", "3600",
                "BRAIN_SESSION_CLOSE_INTERVAL_S", "3600"));
        String whole = brain.newAgentKey("cust_whole", "agent_whole", "b");
        String only = brain.newAgentKey("cust_only", "agent_only", "b");
        String started = brain.newAgentKey("cust_started", "agent_started", "b");

        // The reference: a whole session, and a second one that failed.
        accepted(brain.post(whole, batch(List.of(
                event(id(), at.toString(), "session.start", "s1", "{\"category\":\"refunds\"}"),
                event(id(), at.plusSeconds(9).toString(), "session.end", "s1",
                        "{\"status\":\"success\",\"duration_ms\":9000,\"tool_calls\":" + TOOLS + ",\"llm_usage\":" + USAGE + "}"),
                event(id(), at.toString(), "session.start", "s2", "{\"category\":\"uncategorised\"}"),
                event(id(), at.plusSeconds(3).toString(), "session.end", "s2",
                        "{\"status\":\"failed\",\"duration_ms\":3000,\"tool_calls\":[{\"name\":\"search\",\"ms\":10,\"ok\":true}]}")))), 4);

        // The same two sessions as steps only, in two requests; the first request is retried.
        List<String> first = List.of(
                event(id(), at.toString(), "tool.call", "s1", "{\"name\":\"search\",\"ms\":100,\"ok\":true}"),
                event(id(), at.plusSeconds(1).toString(), "session.update", "s1", "{\"category\":\"refunds\"}"),
                event(id(), at.plusSeconds(3).toString(), "tool.call", "s1", "{\"name\":\"send_email\",\"ms\":2000,\"status\":\"failure\"}"),
                event(id(), at.plusSeconds(4).toString(), "tool.call", "s1", "{\"name\":\"lookup\",\"ms\":50,\"status\":\"success\"}"),
                event(id(), at.plusSeconds(5).toString(), "llm.call", "s1",
                        "{\"model\":\"m1\",\"input_tokens\":1000,\"output_tokens\":100,\"cost_cents\":1.5,\"latency_ms\":800}"));
        accepted(brain.post(only, batch(first)), first.size());
        HttpResponse<String> retried = brain.post(only, batch(first));
        assertEquals(202, retried.statusCode(), retried.body());
        assertEquals(0, Brain.json(retried).get("accepted").asInt(), retried.body());
        List<String> second = List.of(
                event(id(), at.plusSeconds(6).toString(), "llm.call", "s1",
                        "{\"model\":\"m2\",\"input_tokens\":500,\"output_tokens\":50,\"cost_cents\":0.25,\"latency_ms\":1200}"),
                event(id(), at.plusSeconds(9).toString(), "llm.call", "s1",
                        "{\"model\":\"m1\",\"input_tokens\":200,\"output_tokens\":20,\"cost_cents\":0.3,\"latency_ms\":300}"),
                event(id(), at.toString(), "tool.call", "s2", "{\"name\":\"search\",\"ms\":10,\"ok\":true}"),
                event(id(), at.plusSeconds(3).toString(), "session.update", "s2", "{\"status\":\"failed\"}"));
        accepted(brain.post(only, batch(second)), second.size());

        // Started by its sender in one request, steps in the next: the sender owns the session.
        accepted(brain.post(started, batch(List.of(event(id(), at.toString(), "session.start", "s1", "{\"category\":\"refunds\"}")))), 1);
        accepted(brain.post(started, batch(List.of(
                event(id(), at.plusSeconds(2).toString(), "tool.call", "s1", "{\"name\":\"search\",\"ms\":100,\"ok\":true}")))), 1);

        Dialects.closeAndFold(brain);
    }

    @AfterAll
    void stop() {
        brain.close();
    }

    @Test
    void sessions_sent_only_as_steps_answer_exactly_as_the_same_sessions_sent_whole() {
        for (String q : QUESTIONS) {
            assertEquals(answer(brain, q, "cust_whole"), answer(brain, q, "cust_only"), q);
        }
        JsonNode outcomes = analytics(brain, "outcomes", "cust_only").get(0);
        assertEquals(1, outcomes.get("success").asInt(), outcomes.toString());
        assertEquals(1, outcomes.get("failed").asInt(), outcomes.toString());
        assertEquals("2.05", analytics(brain, "spend", "cust_only").get(0).get("cost_cents").asText());
    }

    @Test
    void the_assembled_session_end_carries_the_calls_that_arrived_as_steps() {
        assertEquals(1, brain.count("select count(*) from events where customer_id = 'cust_only' and session_id = 's1' "
                + "and event_type = 'session.start' and payload ->> 'category' = 'refunds' and payload ->> 'source' = 'granular'"));
        assertEquals(1, brain.count("select count(*) from events where customer_id = 'cust_only' and session_id = 's1' "
                + "and event_type = 'session.end' and payload ->> 'status' = 'success' and (payload ->> 'duration_ms')::int = 9000 "
                + "and jsonb_array_length(payload -> 'tool_calls') = 3 and jsonb_array_length(payload -> 'llm_usage') = 2"));
        assertEquals(1, brain.count("select count(*) from events where customer_id = 'cust_only' and session_id = 's2' "
                + "and event_type = 'session.end' and payload ->> 'status' = 'failed'"));
    }

    @Test
    void a_session_its_sender_started_gets_neither_start_nor_end_from_the_sessionizer() {
        assertEquals(1, brain.count("select count(*) from events where customer_id = 'cust_started' and event_type = 'session.start'"));
        assertEquals(0, brain.count("select count(*) from events where customer_id = 'cust_started' and event_type = 'session.end'"));
        assertEquals(1, brain.count("select count(*) from sessionizer_sessions where customer_id = 'cust_started' "
                + "and start_event_id is null and closed_at is not null"));
    }
}
