package dev.brain.analytics;

import static dev.brain.support.Brain.batch;
import static dev.brain.support.Brain.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.support.Brain;
import dev.brain.support.CapturedLog;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Rows the rollup job cannot fold (written before ingest bounded numbers) are set aside; the rest are folded. */
class RollupSkipTest {
    private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    private static final Instant AT = DAY.atTime(12, 0).toInstant(ZoneOffset.UTC);
    // How PostgreSQL prints 1e400 or 9e131071: were it in a log line or an error, the payload leaked.
    private static final String EXPANDED = "0".repeat(100);

    private static String session(String id, String end) {
        return batch(List.of(
                event(UUID.randomUUID().toString(), AT.toString(), "session.start", id, "{\"category\":\"triage\"}"),
                event(UUID.randomUUID().toString(), AT.plusSeconds(60).toString(), "session.end", id, end)));
    }

    @Test
    void rows_that_cannot_be_folded_are_set_aside_counted_and_logged_and_the_rest_are_folded() throws Exception {
        try (CapturedLog log = new CapturedLog();
             Brain brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", Traffic.TOKEN, "BRAIN_ROLLUP_INTERVAL_S", "1"))) {
            String key = brain.newAgentKey("cust_rs", "agent_rs", "a");
            String end = "{\"status\":\"success\",\"tool_calls\":[{\"name\":\"t\",\"ms\":100,\"ok\":true}],"
                    + "\"llm_usage\":{\"model\":\"m\",\"input_tokens\":1000,\"output_tokens\":100,\"cost_cents\":1.5}}";
            assertEquals(202, brain.post(key, session("good_1", end)).statusCode());
            assertEquals(202, brain.post(key, session("good_2", end)).statusCode());

            // Written directly, as rows stored before the bounds could be; good rows between the bad ones.
            List<String> bad = new ArrayList<>();
            List<String[]> rows = new ArrayList<>();
            String[] badPayloads = {
                "{\"status\":\"success\",\"tool_calls\":[{\"name\":\"t\",\"ms\":1e400,\"ok\":true}]}",
                "{\"status\":\"success\",\"llm_usage\":[{\"model\":\"m\",\"cost_cents\":9e131071},{\"model\":\"n\",\"cost_cents\":9e131071}]}",
                "{\"status\":\"success\",\"llm_usage\":{\"model\":\"m\",\"cost_cents\":9e131071}}",
                "{\"status\":\"success\",\"llm_usage\":{\"model\":\"m\",\"cost_cents\":9e131071}}",
                "{\"status\":\"success\",\"llm_usage\":{\"model\":\"m\",\"input_tokens\":\"lots\"}}"};
            for (int i = 0; i < badPayloads.length; i++) {
                String id = UUID.randomUUID().toString();
                bad.add(id);
                rows.add(new String[] {id, "session.end", "bad_" + i, badPayloads[i]});
                if (i == 1) {
                    rows.add(new String[] {UUID.randomUUID().toString(), "session.start", "direct", "{\"category\":\"triage\"}"});
                }
                if (i == 3) {
                    rows.add(new String[] {UUID.randomUUID().toString(), "session.end", "direct",
                            "{\"status\":\"failed\",\"llm_usage\":{\"model\":\"m\",\"input_tokens\":10,\"output_tokens\":1,\"cost_cents\":0.25}}"});
                }
            }
            try (var c = brain.db.connect(); var insert = c.prepareStatement("""
                    insert into events (ts, customer_id, agent_id, event_type, session_id, event_id, payload)
                    values (?, 'cust_rs', 'agent_rs', ?, ?, ?::uuid, ?::jsonb)""")) {
                for (String[] r : rows) {
                    insert.setTimestamp(1, Timestamp.from(AT.plusSeconds(120)));
                    insert.setString(2, r[1]);
                    insert.setString(3, r[2]);
                    insert.setString(4, r[0]);
                    insert.setString(5, r[3]);
                    insert.executeUpdate();
                }
            }
            assertEquals(202, brain.post(key, session("good_3", "{\"status\":\"escalated\","
                    + "\"llm_usage\":{\"model\":\"m\",\"input_tokens\":500,\"output_tokens\":50,\"cost_cents\":2}}")).statusCode());

            long newest = brain.count("select max(id) from events");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (brain.count("select last_id from rollup_state") < newest && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertEquals(newest, brain.count("select last_id from rollup_state"), "the watermark stopped at a row it could not fold");
            assertAnalytics(brain);

            assertEquals(bad, brain.query("select event_id::text from rollup_skipped order by id", rs -> rs.getString(1)));
            for (String error : brain.query("select error from rollup_skipped", rs -> rs.getString(1))) {
                assertFalse(error.isBlank() || error.contains("lots") || error.contains(EXPANDED), error);
            }
            assertTrue(brain.get("/metrics").body().contains("\nbrain_rollup_events_skipped_total 5\n"), brain.get("/metrics").body());
            String logged = log.text();
            for (String id : bad) {
                assertTrue(logged.lines().anyMatch(l -> l.contains(id) && l.contains("\"level\":\"WARN\"")), id + " not logged");
            }
            assertFalse(logged.contains("lots") || logged.contains(EXPANDED), "a payload reached the log");

            // A second run finds nothing to do: no row folded twice, nothing set aside twice.
            RollupJob again = new RollupJob(brain.server.db().jdbi());
            RollupJob.Report second = again.runOnce();
            while (!second.ran()) {
                Thread.sleep(50);
                second = again.runOnce();
            }
            assertEquals(0, second.events());
            assertEquals(5, brain.count("select count(*) from rollup_skipped"));
            assertTrue(brain.get("/metrics").body().contains("\nbrain_rollup_events_skipped_total 5\n"));
            assertAnalytics(brain);
        }
    }

    private static void assertAnalytics(Brain brain) {
        assertEquals(List.of("cust_rs 4 2 1 1"), lines(brain, "outcomes", "customer_id", "sessions", "success", "failed", "escalated"));
        assertEquals(List.of(DAY + " 5.25 2510 251"), lines(brain, "spend", "day", "cost_cents", "input_tokens", "output_tokens"));
        assertEquals(List.of("t 2 0"), lines(brain, "tools", "tool", "calls", "failures"));
        assertEquals(List.of("triage 4"), lines(brain, "categories", "category", "sessions"));
    }

    private static List<String> lines(Brain brain, String question, String... fields) {
        var r = Traffic.get(brain, "/v1/analytics/" + question + "?customer=cust_rs", Traffic.TOKEN, null);
        assertEquals(200, r.statusCode(), r.body());
        List<String> out = new ArrayList<>();
        for (JsonNode row : Brain.json(r).get("rows")) {
            List<String> values = new ArrayList<>();
            for (String f : fields) {
                values.add(row.get(f).asText());
            }
            out.add(String.join(" ", values));
        }
        return out;
    }
}
