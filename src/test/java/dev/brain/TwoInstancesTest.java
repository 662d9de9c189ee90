package dev.brain;

import static dev.brain.support.Brain.batch;
import static dev.brain.support.Brain.event;
import static dev.brain.support.Brain.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.support.Brain;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Two brains on one database: both serve, both schedule jobs, every event is stored once. */
class TwoInstancesTest {

    @Test
    void two_instances_share_one_database_without_duplicates_or_job_conflicts() throws Exception {
        try (Brain a = Brain.start(); Brain b = Brain.startOn(a.db, Map.of("BRAIN_MAINTENANCE_INTERVAL_S", "1"))) {
            String key = a.newAgentKey("cust_two", "agent_two", "b");
            List<String> events = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                events.add(event(UUID.randomUUID().toString(), Instant.now().toString(), "session.start", "s" + i, "{\"category\":\"c\"}"));
            }
            String body = batch(events);
            var pool = Executors.newFixedThreadPool(6);
            var go = new CountDownLatch(1);
            List<Future<Integer>> accepted = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Brain target = i % 2 == 0 ? a : b;
                accepted.add(pool.submit(() -> {
                    go.await();
                    var r = target.post(key, body);
                    assertEquals(202, r.statusCode(), r.body());
                    return json(r).get("accepted").asInt();
                }));
            }
            go.countDown();
            int sum = 0;
            for (var f : accepted) {
                sum += f.get();
            }
            pool.shutdown();
            assertEquals(300, sum);
            assertEquals(300, a.count("select count(*) from events"));
            Thread.sleep(2_500);
            assertEquals(0, a.count("select count(*) from events_default"));
            assertEquals(200, a.get("/readyz").statusCode());
            assertEquals(200, b.get("/readyz").statusCode());
        }
    }
}
