package dev.brain.alerts;

import static dev.brain.alerts.RuleAssertions.firedOnce;
import static dev.brain.alerts.RuleAssertions.quiet;
import static dev.brain.alerts.RuleAssertions.resolvedOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** customer_engagement_drop: the last 7 days' sessions at least 40% below the 7 before, from at least 20. */
class EngagementDropTest {

    private static void sessions(AlertHarness h, List<String> events, int daysAgo, int n, String prefix) {
        for (int i = 0; i < n; i++) {
            events.add(AlertHarness.start(h.at(daysAgo, i, n), prefix + daysAgo + "_" + i));
        }
    }

    @Test
    void sessions_down_63_percent_fire_once_with_the_numbers_and_resolve_when_they_recover() throws Exception {
        try (var h = new AlertHarness()) {
            String[] keys = new String[5];
            for (int a = 0; a < 5; a++) {
                keys[a] = h.agent("cust_drop", "agent_drop" + a);
            }
            String weekly = h.agent("cust_weekly", "agent_weekly");
            List<String> drop = AlertHarness.list();
            for (int d = 13; d >= 7; d--) {
                sessions(h, drop, d, 16, "p");
            }
            for (int d = 6; d >= 1; d--) {
                sessions(h, drop, d, 6, "l");
            }
            sessions(h, drop, 0, 5, "l");
            drop.add(AlertHarness.heartbeat(h.t0.minusSeconds(60), 0));
            h.send(keys[3], drop);
            h.send(keys[4], List.of(AlertHarness.heartbeat(h.t0.minusSeconds(60), 0)));
            for (int a = 0; a < 3; a++) {
                h.send(keys[a], List.of(AlertHarness.heartbeat(h.t0.minus(Duration.ofHours(3)), 0)));
            }
            List<String> normal = AlertHarness.list();
            for (int d = 28; d >= 0; d--) {
                sessions(h, normal, d, AlertHarness.weekend(h.today.minusDays(d)) ? 2 : 20, "w");
            }
            h.send(weekly, normal);

            var values = firedOnce(h, "customer_engagement_drop", "cust_drop", "cust_drop");
            assertEquals(41, values.get("sessions_7d").asInt());
            assertEquals(112, values.get("sessions_prev_7d").asInt());
            assertEquals(63, values.get("drop_pct").asInt());
            assertEquals("cust_drop: 41 sessions in the last 7 days, down 63% from 112; 3 of 5 agents silent",
                    h.alerts("customer_engagement_drop", "cust_drop").get(0).message());
            quiet(h, "customer_engagement_drop", "cust_weekly");

            List<String> more = AlertHarness.list();
            sessions(h, more, 0, 30, "m");
            h.send(keys[3], more);
            resolvedOnce(h, "customer_engagement_drop", "cust_drop", "cust_drop");
            quiet(h, "customer_engagement_drop", "cust_weekly");
        }
    }
}
