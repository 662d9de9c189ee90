package dev.brain.privacy;

import static dev.brain.support.Brain.event;
import static dev.brain.support.Brain.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Brain;
import dev.brain.support.PgDump;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** summary_raw has the same limit and the same tier handling on every event type, not only on session.end. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SummaryOnEveryEventTest {
    Brain brain;
    String tierA;
    String tierCOn;

    @BeforeAll
    void up() {
        brain = Brain.start();
        tierA = brain.newAgentKey("cust_sum_a", "agent_sum_a", "a");
        tierCOn = brain.newAgentKey("cust_sum_c", "agent_sum_c", "c");
        brain.admin("customer", "tier-c", "--id", "cust_sum_c", "--enabled", "true");
    }

    @AfterAll
    void down() {
        brain.close();
    }

    private static String withSummary(String type, String id, String otherFields, String summary) {
        String session = type.startsWith("session.") ? "s_sum" : null;
        return event(id, Instant.now().toString(), type, session, "{" + otherFields + "\"summary_raw\":\"" + summary + "\"}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "heartbeat     | \"agent_version\":\"1\",",
            "error         | \"message\":\"boom\",",
            "session.start | \"category\":\"c\","})
    void over_4000_characters_is_refused_on_every_event_type(String type, String fields) {
        for (String key : new String[] {tierA, tierCOn}) {
            var r = brain.post(key, withSummary(type, UUID.randomUUID().toString(), fields, "x".repeat(30_000)));
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("string_too_long", json(r).get("error").asText(), r.body());
            assertTrue(json(r).get("message").asText().startsWith("payload.summary_raw is 30000 characters"), r.body());
            var limit = brain.post(key, withSummary(type, UUID.randomUUID().toString(), fields, "x".repeat(4001)));
            assertEquals("string_too_long", json(limit).get("error").asText(), limit.body());
        }
        assertEquals(0, brain.count("select count(*) from events where payload ? 'summary_raw'"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "heartbeat     | \"agent_version\":\"1\",",
            "error         | \"message\":\"boom\",",
            "session.start | \"category\":\"c\","})
    void tier_a_never_stores_a_summary_whatever_the_event_type(String type, String fields) throws Exception {
        String marker = "RAWMARK-A-" + type.replace('.', '-').toUpperCase();
        String id = UUID.randomUUID().toString();
        var r = brain.post(tierA, withSummary(type, id, fields, marker + " " + "y".repeat(3900)));
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(1, brain.count("select count(*) from events where event_id = '" + id + "' and summary_redacted is null"));
        assertFalse(PgDump.dump(brain.db.url()).contains(marker), marker + " found in the database dump");
    }
}
