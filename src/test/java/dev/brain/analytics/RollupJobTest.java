package dev.brain.analytics;

import static dev.brain.support.Brain.batch;
import static dev.brain.support.Brain.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The scheduled rollup job: fresh within 60 s, and exact under concurrent ingest and several instances. */
class RollupJobTest {

    @Test
    void an_accepted_event_is_in_every_answer_within_60_seconds_on_the_default_schedule() throws Exception {
        try (Brain brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", Traffic.TOKEN))) {
            String key = brain.newAgentKey("cust_f", "agent_f", "a");
            brain.post(key, event("session.start", "s1", "{\"category\":\"x\"}"));
            Instant accepted = Instant.now();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!sessionsVisible(brain) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(sessionsVisible(brain), "not visible after 60 s");
            var health = Brain.json(Traffic.get(brain, "/v1/analytics/health?customer=cust_f", Traffic.TOKEN, null));
            assertEquals(1, health.get("rows").get(0).get("sessions_7d").asInt());
            assertTrue(Instant.parse(health.get("fresh_as_of").asText()).isAfter(accepted));
        }
    }

    private static boolean sessionsVisible(Brain brain) {
        var rows = Brain.json(Traffic.get(brain, "/v1/analytics/categories?customer=cust_f", Traffic.TOKEN, null)).get("rows");
        return rows.size() == 1 && rows.get(0).get("sessions").asInt() == 1;
    }

    @Test
    void two_instances_and_concurrent_ingest_count_every_event_exactly_once() throws Exception {
        try (Brain one = Brain.start(Map.of("BRAIN_ROLLUP_INTERVAL_S", "1"));
             Brain two = Brain.startOn(one.db, Map.of("BRAIN_ROLLUP_INTERVAL_S", "1"))) {
            String key = one.newAgentKey("cust_x", "agent_x", "a");
            ExecutorService pool = Executors.newFixedThreadPool(6);
            AtomicBoolean ingesting = new AtomicBoolean(true);
            List<Future<?>> folders = new ArrayList<>();
            for (Brain b : new Brain[] {one, two}) {
                var job = new RollupJob(b.server.db().jdbi(), 37, Duration.ofSeconds(5));
                folders.add(pool.submit(() -> {
                    while (ingesting.get()) {
                        job.runOnce();
                    }
                    return null;
                }));
            }
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Brain via = t % 2 == 0 ? one : two;
                int thread = t;
                senders.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        List<String> events = new ArrayList<>();
                        for (int j = 0; j < 10; j++) {
                            String s = "s" + thread + "_" + i + "_" + j;
                            events.add(event("session.start", s, "{\"category\":\"Triage\"}"));
                            events.add(event("session.end", s, "{\"status\":\"success\",\"tool_calls\":[{\"name\":\"t\",\"ms\":5,\"ok\":true}]}"));
                        }
                        assertEquals(202, via.post(key, batch(events)).statusCode());
                    }
                    return null;
                }));
            }
            for (Future<?> f : senders) {
                f.get();
            }
            ingesting.set(false);
            for (Future<?> f : folders) {
                f.get();
            }
            pool.shutdown();
            // The instances' scheduled folds may hold the lock at this moment: the last fold runs once it is free.
            Await.until("a last fold", () -> new RollupJob(one.server.db().jdbi()).runOnce().ran());
            assertEquals(1000, one.count("select sum(sessions) from rollup_customer_daily"));
            assertEquals(1000, one.count("select sum(success) from rollup_customer_daily"));
            assertEquals(1000, one.count("select sum(calls) from rollup_tool_daily"));
            assertEquals(1000, one.count("select sum(calls) from rollup_tool_calls_daily"));
            assertEquals(1000, one.count("select sum(sessions) from rollup_category_daily where category = 'triage'"));
            assertEquals(one.count("select max(id) from events"), one.count("select last_id from rollup_state"));
        }
    }
}
