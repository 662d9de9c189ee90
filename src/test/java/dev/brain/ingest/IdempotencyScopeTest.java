package dev.brain.ingest;

import static dev.brain.support.Brain.batch;
import static dev.brain.support.Brain.event;
import static dev.brain.support.Brain.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.support.Brain;
import dev.brain.support.Concurrently;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Idempotency is scoped to the agent that owns the key: one tenant's event_id never suppresses, nor reveals, another's. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyScopeTest {
    static final String FRESH = "{\"accepted\":1,\"duplicates\":0,\"rejected\":[]}";
    Brain brain;
    String oneA;
    String oneA2;
    String oneB;
    String two;

    @BeforeAll
    void up() {
        brain = Brain.start(Map.of("BRAIN_DB_POOL_SIZE", "8"));
        oneA = brain.newAgentKey("cust_one", "agent_one_a", "b");
        oneA2 = brain.admin("key", "create", "--agent", "agent_one_a").trim();
        brain.admin("agent", "add", "--id", "agent_one_b", "--customer", "cust_one");
        oneB = brain.admin("key", "create", "--agent", "agent_one_b").trim();
        two = brain.newAgentKey("cust_two", "agent_two", "b");
    }

    @AfterAll
    void down() {
        brain.close();
    }

    private static String start(String id, String ts, String category) {
        return event(id, ts, "session.start", "sess_" + category, "{\"category\":\"" + category + "\"}");
    }

    private List<String> owners(String id) {
        return brain.query("select customer_id || '/' || agent_id || '/' || (payload->>'category') from events where event_id = '" + id
                + "' order by 1", rs -> rs.getString(1));
    }

    /** Both posts of one event_id are answered as new events (byte for byte: nothing says the id exists elsewhere) and stored. */
    private void bothStored(String firstKey, String secondKey, List<String> owners) {
        String id = UUID.randomUUID().toString();
        String ts = Instant.now().toString();
        var first = brain.post(firstKey, start(id, ts, "first"));
        var second = brain.post(secondKey, start(id, ts, "second"));
        assertEquals(202, first.statusCode());
        assertEquals(FRESH, first.body());
        assertEquals(202, second.statusCode());
        assertEquals(FRESH, second.body());
        assertEquals(owners, owners(id));
    }

    @Test
    void another_customers_event_id_is_stored_and_the_answer_reveals_nothing() {
        bothStored(oneA, two, List.of("cust_one/agent_one_a/first", "cust_two/agent_two/second"));
    }

    @Test
    void another_agent_of_the_same_customer_has_its_own_event_ids() {
        bothStored(oneA, oneB, List.of("cust_one/agent_one_a/first", "cust_one/agent_one_b/second"));
    }

    @Test
    void within_an_agent_a_retry_is_a_duplicate_through_any_of_its_keys() {
        String id = UUID.randomUUID().toString();
        String ts = Instant.now().toString();
        assertEquals(FRESH, brain.post(oneA, start(id, ts, "kept")).body());
        var retry = brain.post(oneA, start(id, ts, "retry"));
        assertEquals(0, json(retry).get("accepted").asInt());
        assertEquals(1, json(retry).get("duplicates").asInt());
        // A rotated key speaks for the same agent: still the same event.
        var rotated = brain.post(oneA2, start(id, ts, "rotated"));
        assertEquals(1, json(rotated).get("duplicates").asInt());
        assertEquals(List.of("cust_one/agent_one_a/kept"), owners(id));
    }

    @Test
    void concurrent_repeats_from_several_tenants_store_each_event_once_per_agent() throws Exception {
        List<String> ids = new ArrayList<>();
        List<String> events = new ArrayList<>();
        String ts = Instant.now().toString();
        for (int i = 0; i < 100; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            events.add(start(id, ts, "c"));
        }
        String body = batch(events);
        List<String> keys = List.of(oneA, oneA2, oneB, two, oneA, oneB, two, oneA2, oneB, two, oneA, two);
        var answers = Concurrently.post(brain, keys, body);
        int accepted = Concurrently.sum(answers, "accepted");
        int duplicates = Concurrently.sum(answers, "duplicates");
        // Three agents (one_a through two keys, one_b, two): each stores the 100 events exactly once.
        assertEquals(300, accepted);
        assertEquals(100 * keys.size() - 300, duplicates);
        String in = "('" + String.join("','", ids) + "')";
        assertEquals(List.of("agent_one_a 100", "agent_one_b 100", "agent_two 100"),
                brain.query("select agent_id || ' ' || count(*) from events where event_id in " + in + " group by agent_id order by agent_id",
                        rs -> rs.getString(1)));
        assertEquals(300, brain.count("select count(*) from event_keys where event_id in " + in));
    }

    @Test
    void summaries_of_two_agents_sharing_an_event_id_each_land_on_their_own_row() throws Exception {
        String id = UUID.randomUUID().toString();
        String ts = Instant.now().toString();
        assertEquals(FRESH, brain.post(oneA, event(id, ts, "session.end", "s", "{\"status\":\"success\",\"summary_raw\":\"ALPHA task\"}")).body());
        assertEquals(FRESH, brain.post(oneB, event(id, ts, "session.end", "s", "{\"status\":\"success\",\"summary_raw\":\"BRAVO task\"}")).body());
        String both = "select count(*) from events where event_id = '" + id + "' and summary_redacted is not null";
        for (int i = 0; i < 600 && brain.count(both) < 2; i++) {
            Thread.sleep(50);
        }
        assertEquals(List.of("agent_one_a ALPHA task", "agent_one_b BRAVO task"),
                brain.query("select agent_id || ' ' || summary_redacted from events where event_id = '" + id + "' order by agent_id",
                        rs -> rs.getString(1)));
    }
}
