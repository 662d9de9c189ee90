package dev.brain.alerts;

import static dev.brain.alerts.RuleAssertions.firedOnce;
import static dev.brain.alerts.RuleAssertions.quiet;
import static dev.brain.alerts.RuleAssertions.resolvedOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** spend_anomaly: today's spend with a z-score of 3 or more against the last 28 days, or above the daily budget. */
class SpendAnomalyTest {

    private static String spend(AlertHarness h, int daysAgo, int cents, String session) {
        return AlertHarness.end(h.at(daysAgo, 0, 1), session, "success",
                "\"llm_usage\":{\"model\":\"claude-haiku-4-5\",\"input_tokens\":1000,\"output_tokens\":100,\"cost_cents\":" + cents + "}");
    }

    // Weekdays 1000 cents, weekends 100.
    private static List<String> weekly(AlertHarness h, int toDaysAgo) {
        List<String> events = AlertHarness.list();
        for (int d = 28; d >= toDaysAgo; d--) {
            events.add(spend(h, d, AlertHarness.weekend(h.today.minusDays(d)) ? 100 : 1000, "s" + d));
        }
        return events;
    }

    @Test
    void a_day_of_five_times_the_spend_and_a_budget_overrun_each_fire_once_and_resolve() throws Exception {
        try (var h = new AlertHarness()) {
            String spender = h.agent("cust_spender", "agent_spender");
            String thrifty = h.agent("cust_thrifty", "agent_thrifty");
            List<String> spike = weekly(h, 1);
            spike.add(spend(h, 0, 5000, "today"));
            h.send(spender, spike);
            h.send(thrifty, weekly(h, 0));

            var values = firedOnce(h, "spend_anomaly", "cust_spender", "cust_spender");
            assertEquals(5000, values.get("cost_cents_today").asInt());
            assertTrue(values.get("z_score").asDouble() >= 3, values.toString());
            assertEquals(28, values.get("history_days").asInt());
            quiet(h, "spend_anomaly", "cust_thrifty");

            h.brain.admin("customer", "budget", "--id", "cust_thrifty", "--daily-cents", "50");
            var budget = firedOnce(h, "spend_anomaly", "cust_thrifty", "cust_thrifty");
            assertEquals(50, budget.get("daily_budget_cents").asInt());
            assertTrue(h.alerts("spend_anomaly", "cust_thrifty").get(0).message().contains("over the daily budget of 50¢"));
            h.brain.admin("customer", "budget", "--id", "cust_thrifty", "--daily-cents", "1000000");
            resolvedOnce(h, "spend_anomaly", "cust_thrifty", "cust_thrifty");

            h.clock.advance(Duration.ofDays(1));
            resolvedOnce(h, "spend_anomaly", "cust_spender", "cust_spender");
        }
    }
}
