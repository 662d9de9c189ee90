package dev.brain.config;

import dev.brain.error.InvalidConfig;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The BRAIN_ALERT_* settings: rules (each on/off, severity, threshold), where notifications go, how they are retried. */
public record Alerting(
        Duration interval,
        Map<String, Boolean> enabled,
        Map<String, String> severity,
        int silentAgentMinutes,
        int engagementDropPct,
        int engagementMinSessions,
        int failureMinVolume,
        double failureMinSigma,
        double spendZ,
        int spendMinCents,
        int toolLoop,
        int newErrorCount,
        String slackUrl,
        Set<String> slackSeverities,
        String webhookUrl,
        String webhookSecret,
        Set<String> webhookSeverities,
        Duration timeout,
        Duration retryBase,
        Duration retryFor,
        int queueMax,
        Duration poll,
        String linkBase) {

    /** Every rule's name, and its severity unless BRAIN_ALERT_<RULE>_SEVERITY says otherwise. */
    public static final Map<String, String> RULES = rules();
    public static final List<String> SEVERITIES = List.of("info", "warning", "critical");

    private static Map<String, String> rules() {
        var m = new LinkedHashMap<String, String>();
        m.put("agent_silent", "warning");
        m.put("customer_engagement_drop", "warning");
        m.put("failure_spike", "critical");
        m.put("spend_anomaly", "warning");
        m.put("tool_call_loop", "warning");
        m.put("new_error", "warning");
        m.put("dropped_events", "info");
        return java.util.Collections.unmodifiableMap(m);
    }

    static Alerting from(Env e) {
        var enabled = new LinkedHashMap<String, Boolean>();
        var severity = new LinkedHashMap<String, String>();
        RULES.forEach((rule, fallback) -> {
            String prefix = "BRAIN_ALERT_" + rule.toUpperCase(Locale.ROOT);
            enabled.put(rule, e.bool(prefix + "_ENABLED", true));
            severity.put(rule, severity(prefix + "_SEVERITY", e.string(prefix + "_SEVERITY", fallback)));
        });
        String secret = e.string("BRAIN_ALERT_WEBHOOK_SECRET", "");
        if (!secret.isEmpty() && secret.length() < 16) {
            throw new InvalidConfig("BRAIN_ALERT_WEBHOOK_SECRET is shorter than 16 characters; set a random secret (e.g. openssl rand -hex 24)");
        }
        return new Alerting(
                Duration.ofSeconds(e.integer("BRAIN_ALERT_INTERVAL_S", 60, 1, 86_400)),
                Map.copyOf(enabled), Map.copyOf(severity),
                e.integer("BRAIN_ALERT_SILENT_AGENT_MINUTES", 60, 1, 7 * 24 * 60),
                e.integer("BRAIN_ALERT_ENGAGEMENT_DROP_PCT", 40, 1, 100),
                e.integer("BRAIN_ALERT_ENGAGEMENT_MIN_SESSIONS", 20, 1, 1_000_000_000),
                e.integer("BRAIN_ALERT_FAILURE_MIN_VOLUME", 20, 1, 1_000_000_000),
                e.decimal("BRAIN_ALERT_FAILURE_MIN_SIGMA_PCT", 2, 0, 100) / 100,
                e.decimal("BRAIN_ALERT_SPEND_Z", 3, 1, 100),
                e.integer("BRAIN_ALERT_SPEND_MIN_CENTS", 100, 0, 1_000_000_000),
                // The rollup keeps sessions from 10 tool calls up (RollupFold.MIN_SESSION_TOOL_CALLS).
                e.integer("BRAIN_ALERT_TOOL_LOOP", 50, 10, 1_000_000),
                e.integer("BRAIN_ALERT_NEW_ERROR_COUNT", 5, 1, 1_000_000),
                url("BRAIN_ALERT_SLACK_WEBHOOK_URL", e.string("BRAIN_ALERT_SLACK_WEBHOOK_URL", "")),
                severities("BRAIN_ALERT_SLACK_SEVERITIES", e.string("BRAIN_ALERT_SLACK_SEVERITIES", "info,warning,critical")),
                url("BRAIN_ALERT_WEBHOOK_URL", e.string("BRAIN_ALERT_WEBHOOK_URL", "")),
                secret,
                severities("BRAIN_ALERT_WEBHOOK_SEVERITIES", e.string("BRAIN_ALERT_WEBHOOK_SEVERITIES", "info,warning,critical")),
                Duration.ofMillis(e.integer("BRAIN_ALERT_TIMEOUT_MS", 5000, 100, 60_000)),
                Duration.ofMillis(e.integer("BRAIN_ALERT_RETRY_BASE_MS", 5000, 10, 3_600_000)),
                Duration.ofSeconds(e.integer("BRAIN_ALERT_RETRY_FOR_S", 3600, 0, 7 * 86_400)),
                e.integer("BRAIN_ALERT_QUEUE_MAX", 10_000, 1, 10_000_000),
                Duration.ofMillis(e.integer("BRAIN_ALERT_POLL_MS", 1000, 10, 60_000)),
                e.string("BRAIN_ALERT_LINK_BASE", "").replaceAll("/+$", ""));
    }

    private static String severity(String variable, String value) {
        if (!SEVERITIES.contains(value)) {
            throw new InvalidConfig(variable + " must be info, warning or critical, got '" + value + "'");
        }
        return value;
    }

    private static Set<String> severities(String variable, String list) {
        var out = new java.util.HashSet<String>();
        for (String s : list.split(",")) {
            if (!s.isBlank()) {
                out.add(severity(variable, s.trim()));
            }
        }
        return Set.copyOf(out);
    }

    private static String url(String variable, String value) {
        if (value.isEmpty()) {
            return value;
        }
        try {
            URI u = URI.create(value);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return value;
            }
        } catch (IllegalArgumentException e) {
            // falls through to the one message below
        }
        throw new InvalidConfig(variable + " must be an http:// or https:// URL");
    }
}
