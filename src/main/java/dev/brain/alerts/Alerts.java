package dev.brain.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.config.Alerting;
import dev.brain.metrics.Metrics;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The alerts feature, wired: the rule engine (a scheduled Job), the outbox's Notifier, the store the routes read. */
public final class Alerts implements AutoCloseable {
    static final String FIRING = "brain_alerts_firing";
    private final AlertEngine engine;
    private final Notifier notifier;
    private final AlertStore store;
    private volatile Map<List<String>, Long> firing = Map.of();
    private volatile long firingReadAt;

    private Alerts(AlertEngine engine, Notifier notifier, AlertStore store) {
        this.engine = engine;
        this.notifier = notifier;
        this.store = store;
    }

    /** Starts the delivery threads (one per configured channel); the caller schedules {@link #engine()}. */
    public static Alerts start(Jdbi jdbi, Alerting settings, ObjectMapper json, Metrics metrics, Clock clock) {
        var outbox = new Outbox(settings, json, metrics);
        var notifier = new Notifier(jdbi, settings, clock, metrics, outbox.channels());
        var alerts = new Alerts(new AlertEngine(jdbi, settings, clock, outbox, json, metrics, notifier::wake), notifier,
                new AlertStore(jdbi, json, clock));
        metrics.describe(FIRING, "Alerts firing now, by rule and severity");
        for (String rule : Alerting.RULES.keySet()) {
            for (String severity : Alerting.SEVERITIES) {
                metrics.gauge(FIRING, () -> alerts.firing().getOrDefault(List.of(rule, severity), 0L), "rule", rule, "severity", severity);
            }
        }
        return alerts;
    }

    public AlertEngine engine() {
        return engine;
    }

    public AlertStore store() {
        return store;
    }

    public Notifier notifier() {
        return notifier;
    }

    // One query per scrape, not one per series.
    private Map<List<String>, Long> firing() {
        long now = System.nanoTime();
        if (now - firingReadAt > 1_000_000_000L) {
            firing = store.firing();
            firingReadAt = now;
        }
        return firing;
    }

    @Override
    public void close() {
        notifier.close();
    }
}
