package dev.brain.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.config.Alerting;
import dev.brain.config.Resources;
import dev.brain.metrics.Metrics;
import dev.brain.schedule.Job;
import dev.brain.schedule.Scheduler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
    private static final String OPEN_SQL = Resources.text("/db/queries/alerts/open-alerts.sql");
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
        // The rules aggregate tens of thousands of rollup rows: sort and hash in memory, for this transaction only. No JIT:
        // a rule runs for milliseconds, and compiling its plan cost 60-90 ms (new_error on the bench data: 100 ms, 3 ms without).
        tx.execute("set local work_mem = '64MB'");
        tx.execute("set local jit = off");
        var found = !rule.enabled(settings) ? List.<Finding>of()
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
        Set<String> seen = new HashSet<>();
        List<Finding> fresh = new ArrayList<>();
        List<Finding> moved = new ArrayList<>();
        for (Finding f : found) {
            if (!seen.add(f.subject())) {
                continue;
            }
            if (!open.containsKey(f.subject())) {
                fresh.add(f);
            } else if (!f.message().equals(shown.get(f.subject()))) {
                // Written only when the numbers moved: thousands of unchanged open alerts cost nothing each run.
                moved.add(f);
            }
        }
        if (!moved.isEmpty()) {
            tx.createUpdate("update alerts a set message = v.message, detail = cast(v.detail as jsonb), last_seen_at = :at"
                            + " from unnest(cast(:ids as bigint[]), cast(:messages as text[]), cast(:details as text[])) as v(id, message, detail)"
                            + " where a.id = v.id")
                    .bindArray("ids", Long.class, moved.stream().map(f -> open.get(f.subject())).toList())
                    .bindArray("messages", String.class, moved.stream().map(Finding::message).toList())
                    .bindArray("details", String.class, moved.stream().map(Finding::detail).toList()).bind("at", at).execute();
        }
        List<Alert> fired = fresh.isEmpty() ? List.of() : inOrder(fresh, tx.createQuery(OPEN_SQL)
                .bind("rule", rule.id).bind("severity", rule.severity(settings)).bind("at", at)
                .bindArray("subjects", String.class, fresh.stream().map(Finding::subject).toList())
                .bindArray("customers", String.class, fresh.stream().map(Finding::customerId).toList())
                .bindArray("agents", String.class, fresh.stream().map(Finding::agentId).toList())
                .bindArray("messages", String.class, fresh.stream().map(Finding::message).toList())
                .bindArray("details", String.class, fresh.stream().map(Finding::detail).toList())
                .bindArray("links", String.class, fresh.stream().map(f -> link(f.customerId())).toList())
                .map((rs, ctx) -> Alert.from(rs, json)).list());
        List<Long> gone = open.entrySet().stream().filter(e -> !seen.contains(e.getKey())).map(Map.Entry::getValue).sorted().toList();
        List<Alert> resolved = gone.isEmpty() ? List.of()
                : tx.createQuery("update alerts set state = 'resolved', resolved_at = :at where id = any(cast(:ids as bigint[])) returning *")
                        .bind("at", at).bindArray("ids", Long.class, gone).map((rs, ctx) -> Alert.from(rs, json)).list()
                        .stream().sorted(Comparator.comparingLong(Alert::id)).toList();
        Set<String> mutes = new HashSet<>(tx.createQuery("select subject from alert_mutes where rule = :rule and until > :at")
                .bind("rule", rule.id).bind("at", at).mapTo(String.class).list());
        int queued = outbox.enqueue(tx, audible(fired, mutes), "fired", now) + outbox.enqueue(tx, audible(resolved, mutes), "resolved", now);
        return new int[] {fired.size(), resolved.size(), queued};
    }

    // Opened alerts in the order the rule found them (RETURNING promises no order).
    private static List<Alert> inOrder(List<Finding> fresh, List<Alert> opened) {
        Map<String, Alert> bySubject = new HashMap<>();
        opened.forEach(a -> bySubject.put(a.subject(), a));
        return fresh.stream().map(f -> bySubject.get(f.subject())).toList();
    }

    // Not muted: a mute names the subject, or '' for every subject of the rule.
    private static List<Alert> audible(List<Alert> alerts, Set<String> mutes) {
        return mutes.contains("") ? List.of() : alerts.stream().filter(a -> !mutes.contains(a.subject())).toList();
    }

    // The dashboard view that explains it: the customer's, or the whole fleet's.
    private String link(String customer) {
        return settings.linkBase() + "/dashboard" + (customer == null ? "" : "?customer=" + URLEncoder.encode(customer, StandardCharsets.UTF_8));
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
