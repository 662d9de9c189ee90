package dev.brain.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The outbox: retries while the receiver is down, a restart in the middle of a send, a hanging receiver and ingest. */
class DeliveryTest {

    private static void dropEvents(AlertHarness h, int agents) {
        for (int a = 0; a < agents; a++) {
            String key = h.agent("cust_out", "agent_out" + a);
            h.send(key, List.of(AlertHarness.heartbeat(h.t0.minusSeconds(30), 7 + a)));
        }
    }

    // Every notification due by the harness clock has been tried (it is delivered, failed, or waits for a later time).
    private static void attemptedAllDue(AlertHarness h) throws Exception {
        h.alerts.notifier().wake();
        Await.until("every due notification tried", () -> h.brain.count("select count(*) from alert_notifications where state = 'pending'"
                + " and next_attempt_at <= '" + h.clock.instant() + "' and (lease_until is null or lease_until < '" + h.clock.instant() + "')") == 0
                && h.brain.count("select count(*) from alert_notifications where lease_until is not null") == 0);
    }

    /** Calls per X-Brain-Delivery id: how many arrived, how many were answered 2xx. */
    private static Map<String, List<WebhookSink.Call>> byDelivery(AlertHarness h) {
        return h.sink.calls().stream().collect(Collectors.groupingBy(WebhookSink.Call::delivery));
    }

    @Test
    void a_webhook_down_for_ten_minutes_then_up_gets_every_notification_exactly_once() throws Exception {
        try (var h = new AlertHarness(Map.of("BRAIN_ALERT_RETRY_BASE_MS", "30000"))) {
            h.sink.mode(WebhookSink.Mode.DOWN);
            dropEvents(h, 3);
            assertEquals(3, h.evaluate().fired());
            for (int minute = 0; minute <= 10; minute++) {
                attemptedAllDue(h);
                h.clock.advance(Duration.ofMinutes(1));
            }
            long failedCalls = h.sink.calls().size();
            h.sink.mode(WebhookSink.Mode.OK);
            h.clock.advance(Duration.ofMinutes(20));
            h.alerts.notifier().wake();
            RuleAssertions.settle(h);

            var calls = byDelivery(h);
            assertEquals(6, calls.size(), "three alerts, each to Slack and to the webhook");
            for (var e : calls.entrySet()) {
                List<WebhookSink.Call> answered = e.getValue().stream().filter(c -> c.status() == 200).toList();
                assertEquals(1, answered.size(), "notification " + e.getKey() + " answered 2xx exactly once");
                assertTrue(e.getValue().size() >= 4, "notification " + e.getKey() + " was retried while down: " + e.getValue().size());
                assertTrue(e.getValue().stream().allMatch(c -> c.body().equals(answered.get(0).body())), "every retry carries the same body");
            }
            assertTrue(failedCalls >= 24, "attempts while down: " + failedCalls);
            for (var c : h.sink.calls()) {
                if (c.path().equals("/hook")) {
                    assertEquals(Signature.sign(AlertHarness.SECRET, c.body()), c.signature(), "X-Brain-Signature");
                } else {
                    assertTrue(c.json().has("text") && c.json().get("blocks").isArray(), "Slack body: " + c.body());
                }
            }
            assertEquals(3, h.brain.count("select count(*) from alerts where delivery -> 'webhook' ->> 'state' = 'delivered'"
                    + " and delivery -> 'slack' ->> 'state' = 'delivered'"));
        }
    }

    @Test
    void a_restart_in_the_middle_of_a_send_delivers_it_once_after_the_restart() throws Exception {
        try (var h = new AlertHarness(Map.of("BRAIN_ALERT_SLACK_WEBHOOK_URL", ""))) {
            h.sink.mode(WebhookSink.Mode.HANG);
            dropEvents(h, 1);
            h.evaluate();
            Await.until("the send has reached the receiver", () -> h.sink.calls().size() == 1);
            h.alerts.close();
            assertEquals(1, h.brain.count("select count(*) from alert_notifications where state = 'pending' and lease_until is null"),
                    "the unfinished send went back to the outbox");
            h.sink.mode(WebhookSink.Mode.OK);
            h.alerts = h.startAlerts();
            RuleAssertions.settle(h);
            var calls = h.sink.calls();
            assertEquals(2, calls.size(), "the hung request, then the one after the restart");
            assertEquals(calls.get(0).delivery(), calls.get(1).delivery(), "the same notification, the same X-Brain-Delivery id");
            assertEquals(List.of(0, 200), calls.stream().map(WebhookSink.Call::status).toList());
            h.alerts.close();
            h.alerts = h.startAlerts();
            h.evaluate();
            RuleAssertions.settle(h);
            assertEquals(2, h.sink.calls().size(), "a delivered notification is not sent again by the next start");
        }
    }

    @Test
    void a_hanging_webhook_slows_neither_ingest_nor_the_rules() throws Exception {
        try (var h = new AlertHarness(Map.of("BRAIN_ALERT_TIMEOUT_MS", "60000"))) {
            String key = h.agent("cust_ingest", "agent_ingest");
            List<Long> ok = ingest(h, key, 150);
            h.sink.mode(WebhookSink.Mode.HANG);
            dropEvents(h, 5);
            h.evaluate();
            Await.until("both channels are stuck in a send", () -> h.sink.calls().size() >= 2);
            List<Long> hanging = ingest(h, key, 150);
            h.clock.advance(Duration.ofMinutes(1));
            assertTrue(h.evaluate().ran(), "the rules run while the webhook hangs");
            assertEquals(0, h.brain.count("select count(*) from alert_notifications where state = 'delivered'"));
            System.err.printf("ingest with the webhook answering: p50 %d ms, p99 %d ms; hanging: p50 %d ms, p99 %d ms (load %s)%n",
                    pct(ok, 50), pct(ok, 99), pct(hanging, 50), pct(hanging, 99),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static List<Long> ingest(AlertHarness h, String key, int requests) {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            List<String> batch = AlertHarness.list();
            for (int e = 0; e < 10; e++) {
                batch.add(AlertHarness.start(h.t0, "i" + i + "_" + e));
            }
            long started = System.nanoTime();
            var r = h.brain.post(key, dev.brain.support.Brain.batch(batch));
            millis.add((System.nanoTime() - started) / 1_000_000);
            assertEquals(202, r.statusCode(), r.body());
        }
        return millis;
    }

    private static long pct(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }
}
