package dev.brain.ingest;

import static dev.brain.support.Brain.batch;
import static dev.brain.support.Brain.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.support.Brain;
import dev.brain.support.Concurrently;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Two brains on one database, as behind a load balancer: a client's retry may land on either. */
class RetryOnAnotherInstanceTest {

    @Test
    void retries_racing_each_other_on_two_instances_store_each_event_exactly_once() throws Exception {
        try (Brain one = Brain.start(Map.of("BRAIN_DB_POOL_SIZE", "6"));
             Brain two = Brain.startOn(one.db, Map.of("BRAIN_DB_POOL_SIZE", "6"))) {
            String key = one.newAgentKey("cust_lb", "agent_lb", "b");
            List<String> ids = new ArrayList<>();
            List<String> events = new ArrayList<>();
            String ts = Instant.now().toString();
            for (int i = 0; i < 200; i++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                events.add(event(id, ts, "session.end", "sess_" + i, "{\"status\":\"success\",\"duration_ms\":10}"));
            }
            int tries = 12;
            List<Brain> instances = new ArrayList<>();
            for (int i = 0; i < tries; i++) {
                instances.add(i % 2 == 0 ? one : two);
            }
            var answers = Concurrently.post(instances, Collections.nCopies(tries, key), batch(events));
            assertEquals(200, Concurrently.sum(answers, "accepted"));
            assertEquals(200 * (tries - 1), Concurrently.sum(answers, "duplicates"));
            String in = "('" + String.join("','", ids) + "')";
            assertEquals(200, one.count("select count(*) from events where event_id in " + in));
            assertEquals(200, one.count("select count(*) from event_keys where event_id in " + in));
        }
    }
}
