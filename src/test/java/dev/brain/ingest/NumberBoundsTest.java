package dev.brain.ingest;

import static dev.brain.support.Brain.batch;
import static dev.brain.support.Brain.event;
import static dev.brain.support.Brain.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.analytics.RollupJob;
import dev.brain.support.Brain;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every number of the wire contract is bounded to what the rollups can sum: one event cannot stop analytics. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NumberBoundsTest {
    Brain brain;
    String key;

    @BeforeAll
    void up() {
        // The scheduled rollups are held off; the test folds when it wants to.
        brain = Brain.start(Map.of("BRAIN_ROLLUP_INTERVAL_S", "3600"));
        key = brain.newAgentKey("cust_bounds", "agent_bounds", "a");
    }

    @AfterAll
    void down() {
        brain.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "session.end | {\"status\":\"success\",\"duration_ms\":%s}                                   | payload.duration_ms                    | 31622400000",
            "session.end | {\"status\":\"success\",\"tool_calls\":[{\"name\":\"t\",\"ms\":%s,\"ok\":true}]} | payload.tool_calls[0].ms               | 31622400000",
            "session.end | {\"status\":\"success\",\"llm_usage\":{\"model\":\"m\",\"input_tokens\":%s}}       | payload.llm_usage.input_tokens         | 1000000000000",
            "session.end | {\"status\":\"success\",\"llm_usage\":[{\"model\":\"m\",\"output_tokens\":%s}]}     | payload.llm_usage[0].output_tokens     | 1000000000000",
            "session.end | {\"status\":\"success\",\"llm_usage\":[{\"model\":\"m\",\"cost_cents\":%s}]}        | payload.llm_usage[0].cost_cents        | 1000000000",
            "heartbeat   | {\"agent_version\":\"1\",\"pid_uptime_s\":%s}                                      | payload.pid_uptime_s                   | 1000000000",
            "heartbeat   | {\"agent_version\":\"1\",\"dropped_events_since_last\":%s}                         | payload.dropped_events_since_last      | 1000000000000"})
    void every_number_of_the_contract_has_an_upper_bound(String type, String payload, String field, String max) {
        String session = type.equals("heartbeat") ? null : "s_bounds";
        var inside = brain.post(key, event(type, session, payload.formatted(max)));
        assertEquals(202, inside.statusCode(), inside.body());
        for (String over : List.of(new BigDecimal(max).add(BigDecimal.ONE).toPlainString(), "1e400", "9e131071")) {
            var r = brain.post(key, event(type, session, payload.formatted(over)));
            assertEquals(400, r.statusCode(), over + ": " + r.body());
            assertEquals("number_out_of_range", json(r).get("error").asText(), r.body());
            String message = json(r).get("message").asText();
            assertTrue(message.startsWith(field + " ") && message.contains(max), message);
        }
    }

    @Test
    void a_fraction_above_a_bound_is_refused_too() {
        var r = brain.post(key, event("session.end", "s", "{\"status\":\"success\",\"llm_usage\":{\"cost_cents\":1000000000.001}}"));
        assertEquals("number_out_of_range", json(r).get("error").asText(), r.body());
    }

    @Test
    void the_audited_attacks_are_refused_and_analytics_keep_working() throws InterruptedException {
        String customer = "cust_attack";
        String attackKey = brain.newAgentKey(customer, "agent_attack", "a");
        String hugeMs = event("session.end", "s_a1", "{\"status\":\"success\",\"tool_calls\":[{\"name\":\"t\",\"ms\":1e400,\"ok\":true}]}");
        String twoHugeCosts = event("session.end", "s_a2", "{\"status\":\"success\",\"llm_usage\":["
                + "{\"model\":\"m\",\"cost_cents\":9e131071},{\"model\":\"n\",\"cost_cents\":9e131071}]}");
        String oneHugeCost = event("session.end", "s_a3", "{\"status\":\"success\",\"llm_usage\":{\"model\":\"m\",\"cost_cents\":9e131071}}");
        for (String attack : List.of(hugeMs, twoHugeCosts, oneHugeCost)) {
            var r = brain.post(attackKey, attack);
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("number_out_of_range", json(r).get("error").asText(), r.body());
        }
        // The same attacks inside a batch (two single-entry costs that overflow only when summed) beside good events.
        String good = event("session.end", "s_good", "{\"status\":\"success\",\"tool_calls\":[{\"name\":\"t\",\"ms\":150,\"ok\":true}],"
                + "\"llm_usage\":{\"model\":\"m\",\"input_tokens\":2400,\"output_tokens\":350,\"cost_cents\":1.25}}");
        var r = brain.post(attackKey, batch(List.of(Brain.start("s_good"), hugeMs, twoHugeCosts, oneHugeCost,
                event("session.end", "s_a4", "{\"status\":\"success\",\"llm_usage\":{\"model\":\"m\",\"cost_cents\":9e131071}}"), good)));
        assertEquals(207, r.statusCode(), r.body());
        assertEquals(2, json(r).get("accepted").asInt(), r.body());
        assertEquals(4, json(r).get("rejected").size(), r.body());
        json(r).get("rejected").forEach(x -> assertEquals("number_out_of_range", x.get("code").asText(), r.body()));

        RollupJob job = new RollupJob(brain.server.db().jdbi());
        while (!job.runOnce().ran()) {
            Thread.sleep(50);
        }
        assertEquals(brain.count("select max(id) from events"), brain.count("select last_id from rollup_state"));
        var row = brain.query("select sessions, success, cost_cents::text, input_tokens::text, output_tokens::text "
                        + "from rollup_customer_daily where customer_id = '" + customer + "'",
                rs -> List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
        assertEquals(List.of(List.of("1", "1", "1.25", "2400", "350")), row);
        assertEquals(1, brain.count("select sum(calls) from rollup_tool_daily where customer_id = '" + customer + "' and bucket_ms = 150"));
    }
}
