package dev.brain.redact;

import static dev.brain.support.Brain.event;
import static dev.brain.support.Brain.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Brain;
import dev.brain.support.FakeAnthropic;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One customer flooding summaries cannot take the redaction queue from the others. */
class RedactionFairnessTest {

    private static String end(String id, String raw) {
        return event(id, Instant.now().toString(), "session.end", "sess_" + id.substring(0, 8),
                "{\"status\":\"success\",\"summary_raw\":\"" + raw + "\"}");
    }

    private static void await(Brain brain, String sql, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (brain.count(sql) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + brain.count(sql) + ", not " + expected + ": " + sql);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void a_flooding_customer_gets_its_share_and_another_customers_summary_is_still_redacted() throws Exception {
        var gate = new CountDownLatch(1);
        try (FakeAnthropic anthropic = new FakeAnthropic();
             Brain brain = Brain.start(Map.of("ANTHROPIC_API_KEY", "sk-test", "BRAIN_ANTHROPIC_BASE_URL", anthropic.baseUrl(),
                     "BRAIN_REDACTION_CONCURRENCY", "1", "BRAIN_REDACTION_QUEUE", "40", "BRAIN_REDACTION_TIMEOUT_MS", "60000"))) {
            // The redactor holds every call until the flood is over: nothing drains meanwhile, however slow the machine.
            anthropic.answer(body -> {
                try {
                    gate.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return FakeAnthropic.text(body.contains("VICTIM") ? "victim redacted" : "flood redacted");
            });
            try {
                String flooder = brain.newAgentKey("cust_flood", "agent_flood", "b");
                String victim = brain.newAgentKey("cust_victim", "agent_victim", "b");
                for (int b = 0; b < 21; b++) {
                    StringBuilder batch = new StringBuilder("{\"events\":[");
                    for (int i = 0; i < 10; i++) {
                        batch.append(i == 0 ? "" : ",").append(end(UUID.randomUUID().toString(), "FLOOD " + b + "." + i));
                    }
                    var r = brain.post(flooder, batch.append("]}").toString());
                    assertEquals(10, json(r).get("accepted").asInt(), r.body());
                }
                String id = UUID.randomUUID().toString();
                assertEquals(202, brain.post(victim, end(id, "VICTIM refunded order")).statusCode());
                assertEquals(0, brain.count("select count(*) from events where event_id = '" + id + "' and payload ? 'summary_failed'"),
                        "the victim's summary was refused by a queue the flooder filled");

                // The default share is a quarter of the queue: 10 of 40. The other 200 are marked at once, as before.
                String floodFailed = "select count(*) from events where customer_id = 'cust_flood' and payload ? 'summary_failed'";
                assertEquals(200, brain.count(floodFailed));
                assertTrue(brain.get("/metrics").body().contains("brain_redactions_total{outcome=\"queue_full\"} 200"));
            } finally {
                gate.countDown();
            }
            await(brain, "select count(*) from events where customer_id = 'cust_victim' and summary_redacted = 'victim redacted'", 1);
            await(brain, "select count(*) from events where customer_id = 'cust_flood' and summary_redacted = 'flood redacted'", 10);
            assertEquals(200, brain.count("select count(*) from events where customer_id = 'cust_flood' and payload ? 'summary_failed'"));
            // Workers serve customers in turn: the victim waits for one of the flooder's calls, not for its whole backlog.
            int victimCall = 0;
            while (!anthropic.requestBodies.get(victimCall).contains("VICTIM")) {
                victimCall++;
            }
            assertTrue(victimCall <= 2, "the victim's summary was call " + (victimCall + 1) + " of " + anthropic.requestBodies.size());
            // Every slot comes back, so the flooder's share is whole again for its next burst.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!brain.get("/metrics").body().contains("brain_redaction_queue_depth 0")) {
                assertTrue(System.nanoTime() < deadline, "the queue never emptied");
                Thread.sleep(50);
            }
        }
    }
}
