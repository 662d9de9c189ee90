package dev.brain.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.error.InvalidConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** BRAIN_ALERT_*: defaults as documented, per-rule switches and severities, and a clear refusal of unsafe values. */
class AlertingConfigTest {

    @Test
    void defaults_are_the_documented_ones() {
        Alerting a = Config.from(Map.of()).alerting();
        assertEquals(Duration.ofSeconds(60), a.interval());
        assertEquals(60, a.silentAgentMinutes());
        assertEquals(40, a.engagementDropPct());
        assertEquals(50, a.toolLoop());
        assertEquals(5, a.newErrorCount());
        assertEquals("critical", a.severity().get("failure_spike"));
        assertEquals("info", a.severity().get("dropped_events"));
        assertTrue(a.enabled().values().stream().allMatch(b -> b));
        assertEquals(Duration.ofSeconds(5), a.timeout());
        assertEquals(Duration.ofHours(1), a.retryFor());
        assertEquals("", a.webhookUrl());
    }

    @Test
    void rules_can_be_switched_off_and_routed_by_severity() {
        Alerting a = Config.from(Map.of("BRAIN_ALERT_NEW_ERROR_ENABLED", "false", "BRAIN_ALERT_AGENT_SILENT_SEVERITY", "critical",
                "BRAIN_ALERT_SLACK_SEVERITIES", "critical", "BRAIN_ALERT_LINK_BASE", "https://brain.example.com/")).alerting();
        assertFalse(a.enabled().get("new_error"));
        assertEquals("critical", a.severity().get("agent_silent"));
        assertEquals(Set.of("critical"), a.slackSeverities());
        assertEquals("https://brain.example.com", a.linkBase());
    }

    @Test
    void unsafe_values_stop_start_up_naming_the_variable() {
        for (var bad : Map.of("BRAIN_ALERT_FAILURE_SPIKE_SEVERITY", "urgent", "BRAIN_ALERT_WEBHOOK_URL", "file:///etc/passwd",
                "BRAIN_ALERT_WEBHOOK_SECRET", "short", "BRAIN_ALERT_TOOL_LOOP", "5", "BRAIN_ALERT_SLACK_SEVERITIES", "info,loud").entrySet()) {
            var e = assertThrows(InvalidConfig.class, () -> Config.from(Map.of(bad.getKey(), bad.getValue())));
            assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
        }
    }
}
