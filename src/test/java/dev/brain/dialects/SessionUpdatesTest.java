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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a session.update says counts as if the session.end had said it (a field the end carries wins), a sender's own
 * session.end finishes a session the sessionizer opened for its steps, and the customer page counts granular calls:
 * three sessions sent in pieces answer exactly as the same three sessions sent whole.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionUpdatesTest {
    private static final List<String> QUESTIONS = List.of("engagement", "tools", "spend", "categories", "outcomes", "models");
    private static final List<String> PAGE_SECTIONS = List.of("agents", "categories", "outcomes", "tools", "spend", "models");
    private static final String TOOL_A1 = "{\"name\":\"search\",\"ms\":100,\"ok\":true}";
    private static final String TOOL_A2 = "{\"name\":\"send_email\",\"ms\":2000,\"ok\":false}";
    private static final String LLM_A1 = "{\"model\":\"m1\",\"input_tokens\":1000,\"output_tokens\":100,\"cache_read_tokens\":300,\"cost_cents\":1.5,\"latency_ms\":800}";
    private static final String LLM_A2 = "{\"model\":\"m2\",\"input_tokens\":500,\"output_tokens\":50,\"cost_cents\":0.25,\"latency_ms\":1200}";
    private static final String TOOL_C = "{\"name\":\"lookup\",\"ms\":50,\"ok\":true}";
    private static final String LLM_C = "{\"model\":\"m1\",\"input_tokens\":200,\"output_tokens\":20,\"cost_cents\":0.3,\"latency_ms\":300}";
    private Brain brain;
    private final Instant at = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    private String ts(int second) {
        return at.plusSeconds(second).toString();
    }

    @BeforeAll
    void send() throws Exception {
        brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", Dialects.TOKEN, "BRAIN_ROLLUP_INTERVAL_S", "3600",
                "BRAIN_SESSION_CLOSE_INTERVAL_S", "3600"));
        String whole = brain.newAgentKey("cust_whole", "agent_whole", "b");
        String pieces = brain.newAgentKey("cust_pieces", "agent_pieces", "b");

        // The reference: three sessions, each sent whole (an embedded cache read is named as the hooks name it).
        accepted(brain.post(whole, batch(List.of(
                event(id(), ts(0), "session.start", "a", "{\"category\":\"refunds\"}"),
                event(id(), ts(9), "session.end", "a", "{\"status\":\"escalated\",\"tool_calls\":[" + TOOL_A1 + "," + TOOL_A2 + "],"
                        + "\"llm_usage\":[" + LLM_A1.replace("cache_read_tokens", "cache_read_input_tokens") + "," + LLM_A2 + "]}"),
                event(id(), ts(0), "session.start", "b", "{\"category\":\"billing\"}"),
                event(id(), ts(5), "session.end", "b", "{\"status\":\"success\",\"tool_calls\":[" + TOOL_A1 + "]}"),
                event(id(), ts(0), "session.start", "c", "{\"category\":\"refunds\"}"),
                event(id(), ts(7), "session.end", "c", "{\"status\":\"failed\",\"tool_calls\":[" + TOOL_C + "],\"llm_usage\":[" + LLM_C + "]}")))), 6);

        // a: started by its sender uncategorised; category and status come as updates (the latest by ts says escalated,
        // even though a failed one arrived after it); its end names no status.
        accepted(brain.post(pieces, batch(List.of(
                event(id(), ts(0), "session.start", "a", "{\"category\":\"uncategorised\"}"),
                event(id(), ts(1), "tool.call", "a", TOOL_A1),
                event(id(), ts(1), "session.update", "a", "{\"category\":\"refunds\"}")))), 3);
        // Its start is folded before its end: the category then moves between days already counted.
        Dialects.fold(brain);
        accepted(brain.post(pieces, batch(List.of(
                event(id(), ts(2), "tool.call", "a", TOOL_A2.replace("\"ok\":false", "\"status\":\"failure\"")),
                event(id(), ts(3), "llm.call", "a", LLM_A1),
                event(id(), ts(4), "llm.call", "a", LLM_A2),
                event(id(), ts(6), "session.update", "a", "{\"status\":\"escalated\"}")))), 4);
        accepted(brain.post(pieces, batch(List.of(
                event(id(), ts(5), "session.update", "a", "{\"status\":\"failed\"}"),
                event(id(), ts(9), "session.end", "a", "{}")))), 2);
        // b: the end names its status and category, which win over the updates.
        accepted(brain.post(pieces, batch(List.of(
                event(id(), ts(0), "session.start", "b", "{\"category\":\"billing\"}"),
                event(id(), ts(1), "session.update", "b", "{\"status\":\"escalated\",\"category\":\"support\"}"),
                event(id(), ts(2), "tool.call", "b", TOOL_A1),
                event(id(), ts(5), "session.end", "b", "{\"status\":\"success\",\"category\":\"billing\"}")))), 4);
        // c: steps only (the sessionizer opens it), its category in a later request, and its sender's own end (repeating
        // the call it already sent) in a third: one session, one end, each call once.
        accepted(brain.post(pieces, batch(List.of(
                event(id(), ts(0), "tool.call", "c", TOOL_C),
                event(id(), ts(3), "llm.call", "c", LLM_C)))), 2);
        accepted(brain.post(pieces, batch(List.of(event(id(), ts(4), "session.update", "c", "{\"category\":\"refunds\"}")))), 1);
        accepted(brain.post(pieces, batch(List.of(
                event(id(), ts(7), "session.end", "c", "{\"status\":\"failed\",\"tool_calls\":[" + TOOL_C + "]}")))), 1);

        Dialects.closeAndFold(brain);
    }

    @AfterAll
    void stop() {
        brain.close();
    }

    @Test
    void sessions_sent_in_pieces_answer_every_question_exactly_as_sent_whole() {
        for (String q : QUESTIONS) {
            assertEquals(answer(brain, q, "cust_whole"), answer(brain, q, "cust_pieces"), q);
        }
        JsonNode outcomes = analytics(brain, "outcomes", "cust_pieces").get(0);
        assertEquals("3 1 1 1", outcomes.get("sessions") + " " + outcomes.get("success") + " " + outcomes.get("failed") + " "
                + outcomes.get("escalated"));
        assertEquals("[{\"customer_id\":\"cust_pieces\",\"category\":\"refunds\",\"sessions\":2},"
                + "{\"customer_id\":\"cust_pieces\",\"category\":\"billing\",\"sessions\":1}]", analytics(brain, "categories", "cust_pieces").toString());
    }

    @Test
    void the_customer_page_and_usage_count_granular_calls_like_embedded_ones() {
        for (String s : PAGE_SECTIONS) {
            assertEquals(section(s, "cust_whole"), section(s, "cust_pieces"), s);
        }
        String month = at.toString().substring(0, 7);
        JsonNode usage = Brain.json(Dialects.get(brain, "/v1/analytics/usage?month=" + month + "&customer=cust_pieces", null))
                .get("rows").get(0);
        assertEquals("3 4 1700 170 300 2.05", usage.get("sessions") + " " + usage.get("tool_calls") + " " + usage.get("input_tokens")
                + " " + usage.get("output_tokens") + " " + usage.get("cache_read_tokens") + " " + usage.get("cost_cents"));
    }

    @Test
    void a_senders_own_end_finishes_the_session_the_sessionizer_opened_for_its_steps() {
        assertEquals(1, brain.count("select count(*) from events where customer_id = 'cust_pieces' and session_id = 'c' "
                + "and event_type = 'session.start' and payload ->> 'source' = 'granular'"));
        assertEquals(1, brain.count("select count(*) from events where customer_id = 'cust_pieces' and session_id = 'c' "
                + "and event_type = 'session.end'"));
        assertEquals(1, brain.count("select count(*) from sessionizer_sessions where customer_id = 'cust_pieces' and session_id = 'c' "
                + "and closed_at is not null"));
    }

    /** A customer page section with the customer's and agent's ids masked. */
    private String section(String name, String customer) {
        JsonNode page = Brain.json(Dialects.get(brain, "/v1/analytics/customers/" + customer + "?days=30", null));
        String agent = customer.replace("cust_", "agent_");
        return page.get("sections").get(name).toString().replace(customer, "CUSTOMER").replace(agent, "AGENT")
                .replaceAll("\"last_seen_at\":\"[^\"]*\"", "\"last_seen_at\":T");
    }
}
