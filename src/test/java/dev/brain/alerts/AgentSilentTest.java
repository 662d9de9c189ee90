package dev.brain.alerts;

import static dev.brain.alerts.RuleAssertions.firedOnce;
import static dev.brain.alerts.RuleAssertions.quiet;
import static dev.brain.alerts.RuleAssertions.resolvedOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** agent_silent: an agent active in the last 7 days that has sent nothing for 60 minutes. */
class AgentSilentTest {

    @Test
    void an_agent_silent_for_two_hours_fires_once_and_resolves_when_it_speaks_again() throws Exception {
        try (var h = new AlertHarness()) {
            String gone = h.agent("cust_quiet", "agent_gone");
            String live = h.agent("cust_quiet", "agent_live");
            String busy = h.agent("cust_busy", "agent_busy");
            for (String key : List.of(gone, live, busy)) {
                List<String> events = AlertHarness.list();
                for (int d = 28; d >= 1; d--) {
                    // Weekends quiet (one heartbeat), weekdays busy (eight).
                    int n = AlertHarness.weekend(h.today.minusDays(d)) ? 1 : 8;
                    for (int i = 0; i < n; i++) {
                        events.add(AlertHarness.heartbeat(h.at(d, i, n), 0));
                    }
                }
                events.add(AlertHarness.heartbeat(key.equals(gone) ? h.t0.minus(Duration.ofHours(2)) : h.t0.minusSeconds(60), 0));
                h.send(key, events);
            }

            var values = firedOnce(h, "agent_silent", "cust_quiet", "agent_gone");
            assertEquals(120, values.get("silent_minutes").asInt());
            assertEquals(2, values.get("agents").asInt());
            assertEquals(1, values.get("agents_silent").asInt());
            assertEquals(1, h.alerts("agent_silent", "cust_quiet").size(), "the live agent does not fire");
            quiet(h, "agent_silent", "cust_busy");

            h.send(gone, List.of(AlertHarness.heartbeat(h.t0, 0)));
            resolvedOnce(h, "agent_silent", "cust_quiet", "agent_gone");
            quiet(h, "agent_silent", "cust_busy");
        }
    }
}
