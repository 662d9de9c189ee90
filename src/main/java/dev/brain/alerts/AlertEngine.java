package dev.brain.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.config.Alerting;
import dev.brain.metrics.Metrics;
import dev.brain.schedule.Job;
import dev.brain.schedule.Scheduler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates every rule over the rollups under one advisory lock (any number of instances, each evaluation once):
 * a new finding opens an alert and queues `fired`, a finding that is gone resolves its alert and queues `resolved`,
 * one transaction per rule. Notifications are only queued here (the Notifier sends them), so a dead webhook never
 * slows the rules.
 */
public final class AlertEngine implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);
    static final long LOCK_KEY = 0x62726169_6e000013L;
    static final String FAILURES = "brain_alert_rule_failures_total";
    private final Jdbi jdbi;
    private final Alerting settings;
    private final Clock clock;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final Metrics metrics;
    private final Runnable onQueued;

    /**
     * ran: the lock was held; fired/resolved: alerts opened and closed by this evaluation; queued: notifications;
     * ruleMillis: each rule's transaction (its query and its alert writes), in rule order.
     */
    public record Report(boolean ran, int fired, int resolved, int queued, long millis, Map<String, Long> ruleMillis) {
    }

    AlertEngine(Jdbi jdbi, Alerting settings, Clock clock, Outbox outbox, ObjectMapper json, Metrics metrics, Runnable onQueued) {
        this.jdbi = jdbi;
        this.settings = settings;
        this.clock = clock;
        this.outbox = outbox;
        this.json = json;
        this.metrics = metrics;
        this.onQueued = onQueued;
        metrics.describe(FAILURES, "Alert rule evaluations that failed, by rule");
        for (AlertRule r : AlertRule.values()) {
            metrics.inc(FAILURES, 0, "rule", r.id);
        }
    }

    @Override
    public String name() {
        return "alerts";
    }

    @Override
    public long lockKey() {
        return LOCK_KEY;
    }

    @Override
    public void run(Handle h) {
        evaluate(h);
    }

    /** One evaluation now, unless another instance is evaluating. */
    public Report runOnce() {
        return Scheduler.locked(jdbi, LOCK_KEY, this::evaluate).orElse(new Report(false, 0, 0, 0, 0, Map.of()));
    }

    private Report evaluate(Handle h) {
        long started = System.nanoTime();
        Instant now = clock.instant();
        int[] totals = new int[3];
        Map<String, Long> ruleMillis = new LinkedHashMap<>();
        for (AlertRule rule : AlertRule.values()) {
            long ruleStarted = System.nanoTime();
            try {
                int[] r = h.inTransaction(tx -> apply(tx, rule, now));
                for (int i = 0; i < 3; i++) {
                    totals[i] += r[i];
                }
            } catch (RuntimeException e) {
                metrics.inc(FAILURES, "rule", rule.id);
                LOG.warn("alert rule {} failed, will run again next time: {}", rule.id, e.toString());
            }
            ruleMillis.put(rule.id, (System.nanoTime() - ruleStarted) / 1_000_000);
        }
        h.createUpdate("delete from rollup_session_tool_calls where last_ts < :cutoff")
                .bind("cutoff", utc(now.minus(java.time.Duration.ofDays(7)))).execute();
        if (totals[2] > 0) {
            onQueued.run();
        }
        return new Report(true, totals[0], totals[1], totals[2], (System.nanoTime() - started) / 1_000_000, ruleMillis);
    }

    // Returns {fired, resolved, queued}.
    private int[] apply(Handle tx, AlertRule rule, Instant now) {
        OffsetDateTime at = utc(now);
        // The rules aggregate tens of thousands of rollup rows: sort and hash in memory, for this transaction only.
        tx.execute("set local work_mem = '64MB'");
        var found = !rule.enabled(settings) ? java.util.List.<Finding>of()
                : tx.createQuery(rule.sql).bind("now", at).bindMap(rule.thresholds(settings))
                        .map((rs, ctx) -> new Finding(rs.getString("subject"), rs.getString("customer_id"), rs.getString("agent_id"),
                                rs.getString("message"), rs.getString("detail")))
                        .list();
        Map<String, Long> open = new HashMap<>();
        Map<String, String> shown = new HashMap<>();
        tx.createQuery("select subject, id, message from alerts where rule = :rule and state = 'firing' for update")
                .bind("rule", rule.id).map((rs, ctx) -> {
                    shown.put(rs.getString(1), rs.getString(3));
                    return open.put(rs.getString(1), rs.getLong(2));
                }).list();
        int fired = 0;
        int queued = 0;
        Set<String> seen = new HashSet<>();
        for (Finding f : found) {
            if (!seen.add(f.subject())) {
                continue;
            }
            Long id = open.get(f.subject());
            if (id != null) {
                // Written only when the numbers moved: thousands of unchanged open alerts cost no statement each run.
                if (f.message().equals(shown.get(f.subject()))) {
                    continue;
                }
                tx.createUpdate("update alerts set message = :message, detail = cast(:detail as jsonb), last_seen_at = :at where id = :id")
                        .bind("message", f.message()).bind("detail", f.detail()).bind("at", at).bind("id", id).execute();
                continue;
            }
            Alert a = tx.createQuery("insert into alerts (rule, subject, customer_id, agent_id, severity, state, message, detail, link,"
                            + " fired_at, last_seen_at) values (:rule, :subject, :customer, :agent, :severity, 'firing', :message,"
                            + " cast(:detail as jsonb), :link, :at, :at) returning *")
                    .bind("rule", rule.id).bind("subject", f.subject()).bind("customer", f.customerId()).bind("agent", f.agentId())
                    .bind("severity", rule.severity(settings)).bind("message", f.message()).bind("detail", f.detail())
                    .bind("link", link(f.customerId())).bind("at", at)
                    .map((rs, ctx) -> Alert.from(rs, json)).one();
            fired++;
            queued += muted(tx, rule, f.subject(), at) ? 0 : outbox.enqueue(tx, a, "fired", now);
        }
        int resolved = 0;
        for (var e : open.entrySet()) {
            if (seen.contains(e.getKey())) {
                continue;
            }
            Alert a = tx.createQuery("update alerts set state = 'resolved', resolved_at = :at where id = :id returning *")
                    .bind("at", at).bind("id", e.getValue()).map((rs, ctx) -> Alert.from(rs, json)).one();
            resolved++;
            queued += muted(tx, rule, e.getKey(), at) ? 0 : outbox.enqueue(tx, a, "resolved", now);
        }
        return new int[] {fired, resolved, queued};
    }

    private static boolean muted(Handle tx, AlertRule rule, String subject, OffsetDateTime at) {
        return tx.createQuery("select exists (select 1 from alert_mutes where rule = :rule and subject in (:subject, '') and until > :at)")
                .bind("rule", rule.id).bind("subject", subject).bind("at", at).mapTo(Boolean.class).one();
    }

    // The dashboard view that explains it: the customer's, or the whole fleet's.
    private String link(String customer) {
        return settings.linkBase() + "/dashboard" + (customer == null ? "" : "?customer=" + URLEncoder.encode(customer, StandardCharsets.UTF_8));
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
