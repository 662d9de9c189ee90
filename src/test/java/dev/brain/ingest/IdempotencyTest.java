package dev.brain.ingest;

import static dev.brain.support.Brain.batch;
import static dev.brain.support.Brain.event;
import static dev.brain.support.Brain.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.support.Brain;
import dev.brain.support.Concurrently;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyTest {
    Brain brain;
    String key;

    @BeforeAll
    void up() {
        brain = Brain.start(Map.of("BRAIN_DB_POOL_SIZE", "8"));
        key = brain.newAgentKey("cust_idem", "agent_idem", "b");
    }

    @AfterAll
    void down() {
        brain.close();
    }

    private List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        return ids;
    }

    private String batchOf(List<String> ids) {
        List<String> events = new ArrayList<>();
        String ts = Instant.now().toString();
        for (String id : ids) {
            events.add(event(id, ts, "session.end", "sess_" + id, "{\"status\":\"success\",\"duration_ms\":10}"));
        }
        return batch(events);
    }

    private long rows(List<String> ids) {
        return brain.count("select count(*) from events where event_id in ('" + String.join("','", ids) + "')");
    }

    @Test
    void a_retried_batch_is_stored_once_and_reported_as_duplicates() {
        List<String> ids = ids(50);
        String body = batchOf(ids);
        var first = brain.post(key, body);
        assertEquals(50, json(first).get("accepted").asInt(), first.body());
        var retry = brain.post(key, body);
        assertEquals(202, retry.statusCode());
        assertEquals(0, json(retry).get("accepted").asInt());
        assertEquals(50, json(retry).get("duplicates").asInt());
        assertEquals(50, rows(ids));
    }

    @Test
    void overlapping_batches_store_only_the_new_events() {
        List<String> ids = ids(20);
        brain.post(key, batchOf(ids.subList(0, 10)));
        var r = brain.post(key, batchOf(ids.subList(5, 20)));
        assertEquals(10, json(r).get("accepted").asInt());
        assertEquals(5, json(r).get("duplicates").asInt());
        assertEquals(20, rows(ids));
    }

    @Test
    void the_same_event_twice_in_one_batch_is_stored_once() {
        String id = UUID.randomUUID().toString();
        String e = event(id, Instant.now().toString(), "session.start", "s", "{\"category\":\"c\"}");
        var r = brain.post(key, batch(List.of(e, e, e)));
        assertEquals(1, json(r).get("accepted").asInt());
        assertEquals(2, json(r).get("duplicates").asInt());
        assertEquals(1, rows(List.of(id)));
    }

    @Test
    void a_replayed_event_id_with_a_different_ts_or_body_does_not_create_a_second_row() {
        String id = UUID.randomUUID().toString();
        brain.post(key, event(id, "2026-11-26T10:00:00Z", "session.start", "s", "{\"category\":\"first\"}"));
        var replay = brain.post(key, event(id, "2026-10-01T10:00:00Z", "session.start", "s", "{\"category\":\"second\"}"));
        assertEquals(1, json(replay).get("duplicates").asInt());
        assertEquals(List.of("first"), brain.query("select payload->>'category' from events where event_id = '" + id + "'", rs -> rs.getString(1)));
    }

    @Test
    void concurrent_retries_of_the_same_batch_store_each_event_exactly_once() throws Exception {
        List<String> ids = ids(200);
        String body = batchOf(ids);
        int clients = 16;
        var answers = Concurrently.post(brain, Collections.nCopies(clients, key), body);
        int accepted = Concurrently.sum(answers, "accepted");
        int duplicates = Concurrently.sum(answers, "duplicates");
        assertEquals(200, accepted);
        assertEquals(200 * (clients - 1), duplicates);
        assertEquals(200, rows(ids));
        assertEquals(200, brain.count("select count(*) from event_keys where event_id in ('" + String.join("','", ids) + "')"));
    }
}
