package dev.brain.alerts;

import static dev.brain.alerts.RuleAssertions.firedOnce;
import static dev.brain.alerts.RuleAssertions.quiet;
import static dev.brain.alerts.RuleAssertions.resolvedOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** new_error: a stack_hash never seen for the customer appearing 5 times or more in an hour. */
class NewErrorTest {
    private static final String OLD = "sha256:" + "a".repeat(64);
    private static final String NEW = "sha256:" + "b".repeat(64);

    private static List<String> known(AlertHarness h, String hash) {
        List<String> events = AlertHarness.list();
        for (int d = 28; d >= 1; d--) {
            int n = AlertHarness.weekend(h.today.minusDays(d)) ? 1 : 3;
            for (int i = 0; i < n; i++) {
                events.add(AlertHarness.error(h.at(d, i, n), hash));
            }
        }
        for (int i = 0; i < 6; i++) {
            events.add(AlertHarness.error(h.t0.minusSeconds(1), hash));
        }
        return events;
    }

    @Test
    void a_new_stack_hash_seen_7_times_in_an_hour_fires_once_and_resolves_when_the_hour_is_over() throws Exception {
        try (var h = new AlertHarness()) {
            String failing = h.agent("cust_err", "agent_err");
            String steady = h.agent("cust_known", "agent_known");
            List<String> events = known(h, OLD);
            for (int i = 0; i < 7; i++) {
                events.add(AlertHarness.error(h.t0.minusSeconds(1), NEW));
            }
            h.send(failing, events);
            h.send(steady, known(h, OLD));

            var values = firedOnce(h, "new_error", "cust_err", "cust_err " + NEW);
            assertEquals(7, values.get("peak_per_hour").asInt());
            assertEquals(1, h.alerts("new_error", "cust_err").size(), "the known hash does not fire");
            assertFalse(h.sink.calls().stream().anyMatch(c -> c.body().contains("alice@example.com")), "an error message reached a notification");
            quiet(h, "new_error", "cust_known");

            h.clock.advance(Duration.ofHours(3));
            resolvedOnce(h, "new_error", "cust_err", "cust_err " + NEW);
        }
    }
}
