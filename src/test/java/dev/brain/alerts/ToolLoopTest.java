package dev.brain.alerts;

import static dev.brain.alerts.RuleAssertions.firedOnce;
import static dev.brain.alerts.RuleAssertions.quiet;
import static dev.brain.alerts.RuleAssertions.resolvedOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** tool_call_loop: one session reporting more than 50 tool calls. */
class ToolLoopTest {

    private static String calls(int n) {
        var s = new StringBuilder("\"tool_calls\":[");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",").append("{\"name\":\"search\",\"ms\":50,\"ok\":true}");
        }
        return s.append(']').toString();
    }

    @Test
    void a_session_with_73_tool_calls_fires_once_and_resolves_a_day_later() throws Exception {
        try (var h = new AlertHarness()) {
            String looping = h.agent("cust_loop", "agent_loop");
            String busy = h.agent("cust_tools", "agent_tools");
            List<String> normal = AlertHarness.list();
            for (int d = 28; d >= 0; d--) {
                int n = AlertHarness.weekend(h.today.minusDays(d)) ? 1 : 3;
                for (int i = 0; i < n; i++) {
                    normal.add(AlertHarness.end(h.at(d, i, n), "n" + d + "_" + i, "success", calls(30)));
                }
            }
            h.send(busy, normal);
            h.send(looping, List.of(AlertHarness.end(h.t0.minusSeconds(30), "sess_loop", "success", calls(73))));

            var values = firedOnce(h, "tool_call_loop", "cust_loop", "cust_loop sess_loop");
            assertEquals(73, values.get("tool_calls").asInt());
            assertEquals(50, values.get("threshold").asInt());
            quiet(h, "tool_call_loop", "cust_tools");

            h.clock.advance(Duration.ofHours(25));
            resolvedOnce(h, "tool_call_loop", "cust_loop", "cust_loop sess_loop");
        }
    }
}
