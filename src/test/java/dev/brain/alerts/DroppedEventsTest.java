package dev.brain.alerts;

import static dev.brain.alerts.RuleAssertions.firedOnce;
import static dev.brain.alerts.RuleAssertions.quiet;
import static dev.brain.alerts.RuleAssertions.resolvedOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** dropped_events: heartbeats reporting dropped_events_since_last > 0. */
class DroppedEventsTest {

    private static List<String> heartbeats(AlertHarness h) {
        List<String> events = AlertHarness.list();
        for (int d = 28; d >= 1; d--) {
            int n = AlertHarness.weekend(h.today.minusDays(d)) ? 2 : 12;
            for (int i = 0; i < n; i++) {
                events.add(AlertHarness.heartbeat(h.at(d, i, n), 0));
            }
        }
        return events;
    }

    @Test
    void a_heartbeat_reporting_42_dropped_events_fires_once_and_resolves_when_drops_stop() throws Exception {
        try (var h = new AlertHarness()) {
            String lossy = h.agent("cust_lossy", "agent_lossy");
            String fine = h.agent("cust_fine", "agent_fine");
            List<String> events = heartbeats(h);
            events.add(AlertHarness.heartbeat(h.t0.minusSeconds(60), 42));
            h.send(lossy, events);
            List<String> normal = heartbeats(h);
            normal.add(AlertHarness.heartbeat(h.t0.minusSeconds(60), 0));
            h.send(fine, normal);

            var values = firedOnce(h, "dropped_events", "cust_lossy", "agent_lossy");
            assertEquals(42, values.get("dropped_events").asInt());
            quiet(h, "dropped_events", "cust_fine");

            h.clock.advance(Duration.ofHours(2));
            resolvedOnce(h, "dropped_events", "cust_lossy", "agent_lossy");
        }
    }
}
