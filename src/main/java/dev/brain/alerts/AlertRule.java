package dev.brain.alerts;

import dev.brain.config.Alerting;
import dev.brain.config.Resources;
import java.util.Map;
import java.util.function.Function;

/** The rules: each a query over the rollups (sql/queries/alerts) returning what fires now, and its thresholds from Alerting. */
enum AlertRule {
    AGENT_SILENT("agent_silent", a -> Map.of("minutes", a.silentAgentMinutes())),
    CUSTOMER_ENGAGEMENT_DROP("customer_engagement_drop", a -> Map.of("min_before", a.engagementMinSessions(),
            "drop_pct", a.engagementDropPct(), "silent_minutes", a.silentAgentMinutes())),
    FAILURE_SPIKE("failure_spike", a -> Map.of("min_volume", a.failureMinVolume(), "min_sigma", a.failureMinSigma())),
    SPEND_ANOMALY("spend_anomaly", a -> Map.of("z", a.spendZ(), "min_cents", a.spendMinCents())),
    TOOL_CALL_LOOP("tool_call_loop", a -> Map.of("max_calls", a.toolLoop())),
    NEW_ERROR("new_error", a -> Map.of("min_count", a.newErrorCount())),
    DROPPED_EVENTS("dropped_events", a -> Map.of());

    final String id;
    final String sql;
    private final Function<Alerting, Map<String, Object>> thresholds;

    AlertRule(String id, Function<Alerting, Map<String, Object>> thresholds) {
        this.id = id;
        this.sql = Resources.text("/db/queries/alerts/" + id + ".sql");
        this.thresholds = thresholds;
    }

    Map<String, Object> thresholds(Alerting a) {
        return thresholds.apply(a);
    }

    boolean enabled(Alerting a) {
        return a.enabled().getOrDefault(id, true);
    }

    String severity(Alerting a) {
        return a.severity().getOrDefault(id, Alerting.RULES.get(id));
    }

    /** Anomaly rules need 14 days of a customer's history; until then the API says "learning". */
    boolean learns() {
        return this == FAILURE_SPIKE || this == SPEND_ANOMALY;
    }

    static AlertRule of(String id) {
        for (AlertRule r : values()) {
            if (r.id.equals(id)) {
                return r;
            }
        }
        return null;
    }
}
