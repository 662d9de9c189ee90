package dev.brain.alerts;

import static dev.brain.alerts.RuleAssertions.firedOnce;
import static dev.brain.alerts.RuleAssertions.quiet;
import static dev.brain.alerts.RuleAssertions.resolvedOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Brain;
import java.util.List;
import org.junit.jupiter.api.Test;

/** failure_spike: Western Electric rules on a customer's (and a tool's) daily failure rate against its own 28 days. */
class FailureSpikeTest {
    private static final String OK_CALL = "\"tool_calls\":[{\"name\":\"search\",\"ms\":120,\"ok\":true}]";
    private static final String FAILED_CALL = "\"tool_calls\":[{\"name\":\"search\",\"ms\":900,\"ok\":false}]";

    // Weekdays 40 sessions, 4 failed (10%); weekends 4 sessions, all fine (below the minimum volume of 20).
    private static List<String> history(AlertHarness h, int fromDaysAgo, int toDaysAgo) {
        List<String> events = AlertHarness.list();
        for (int d = fromDaysAgo; d >= toDaysAgo; d--) {
            boolean weekend = AlertHarness.weekend(h.today.minusDays(d));
            int n = weekend ? 4 : 40;
            for (int i = 0; i < n; i++) {
                boolean failed = !weekend && i < 4;
                events.add(AlertHarness.end(h.at(d, i, n), "s" + d + "_" + i, failed ? "failed" : "success", failed ? FAILED_CALL : OK_CALL));
            }
        }
        return events;
    }

    @Test
    void a_failure_rate_far_above_its_own_history_fires_once_and_resolves_when_it_falls_back() throws Exception {
        try (var h = new AlertHarness()) {
            String spiking = h.agent("cust_spike", "agent_spike");
            String normal = h.agent("cust_steady", "agent_steady");
            String young = h.agent("cust_young", "agent_young");
            List<String> spike = history(h, 30, 1);
            for (int i = 0; i < 40; i++) {
                spike.add(AlertHarness.end(h.at(0, i, 40), "t" + i, i < 18 ? "failed" : "success", i < 18 ? FAILED_CALL : OK_CALL));
            }
            h.send(spiking, spike);
            h.send(normal, history(h, 30, 0));
            List<String> fresh = history(h, 9, 1);
            for (int i = 0; i < 40; i++) {
                fresh.add(AlertHarness.end(h.at(0, i, 40), "y" + i, "failed", FAILED_CALL));
            }
            h.send(young, fresh);

            var values = firedOnce(h, "failure_spike", "cust_spike", "cust_spike failed");
            assertEquals(0.45, values.get("rate").asDouble(), 1e-9);
            assertEquals(18, values.get("count").asInt());
            assertEquals(40, values.get("volume").asInt());
            assertEquals(0.1, values.get("mean").asDouble(), 1e-9);
            assertEquals("beyond 3 sigma", values.get("rule").asText());
            String message = h.alerts("failure_spike", "cust_spike").stream().filter(a -> a.subject().equals("cust_spike failed"))
                    .findFirst().orElseThrow().message();
            assertTrue(message.startsWith("cust_spike: failure rate 45% today (18 of 40 sessions), normal 10.0% ± 2.0% over "), message);
            var tool = firedOnce(h, "failure_spike", "cust_spike", "cust_spike tool search");
            assertEquals("search", tool.get("tool").asText());
            quiet(h, "failure_spike", "cust_steady");
            quiet(h, "failure_spike", "cust_young");
            var rules = Brain.json(h.get("/v1/alerts/rules"));
            assertTrue(rules.toString().contains("\"learning\":[\"cust_young\"]"), rules.toString());

            List<String> recovery = AlertHarness.list();
            for (int i = 0; i < 200; i++) {
                recovery.add(AlertHarness.end(h.at(0, i, 200), "r" + i, "success", OK_CALL));
            }
            h.send(spiking, recovery);
            resolvedOnce(h, "failure_spike", "cust_spike", "cust_spike failed");
            resolvedOnce(h, "failure_spike", "cust_spike", "cust_spike tool search");
            quiet(h, "failure_spike", "cust_steady");
        }
    }
}
