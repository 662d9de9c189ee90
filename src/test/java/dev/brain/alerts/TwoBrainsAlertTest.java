package dev.brain.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two brains on one database, each evaluating every second: one alert, one notification per channel. */
class TwoBrainsAlertTest {

    private static long runs(Brain b) {
        return b.server.metrics().count("brain_job_runs_total", "job", "alerts");
    }

    @Test
    void two_instances_open_one_alert_and_deliver_each_notification_once() throws Exception {
        try (var sink = new WebhookSink()) {
            Map<String, String> env = Map.of("BRAIN_ALERT_INTERVAL_S", "1", "BRAIN_ROLLUP_INTERVAL_S", "1", "BRAIN_ALERT_POLL_MS", "20",
                    "BRAIN_ALERT_WEBHOOK_URL", sink.url("/hook"), "BRAIN_ALERT_SLACK_WEBHOOK_URL", sink.url("/slack"));
            try (Brain a = Brain.start(env); Brain b = Brain.startOn(a.db, env)) {
                String key = a.newAgentKey("cust_pair", "agent_pair", "b");
                a.post(key, Brain.batch(List.of(AlertHarness.heartbeat(Instant.now().minusSeconds(5), 9))));
                Await.until("the webhook got the alert", () -> sink.delivered("/hook", "agent_pair").size() == 1);
                long ranA = runs(a);
                long ranB = runs(b);
                Await.until("both instances evaluated three more times", () -> runs(a) >= ranA + 3 && runs(b) >= ranB + 3);
                Await.until("the outbox drained", () -> a.count("select count(*) from alert_notifications where state = 'pending'") == 0);
                assertEquals(1, a.count("select count(*) from alerts where rule = 'dropped_events'"));
                assertEquals(1, sink.delivered("/hook", "agent_pair").size());
                assertEquals(1, sink.delivered("/slack", "agent_pair").size());
                assertEquals(2, sink.calls().size(), "no retry, no second send");
            }
        }
    }
}
