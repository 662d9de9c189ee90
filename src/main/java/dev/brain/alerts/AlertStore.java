package dev.brain.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.config.Resources;
import dev.brain.error.BadRequest;
import dev.brain.error.NotFound;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Alerts as people read and handle them: list, one by id, acknowledge, mute, per-customer budgets, firing counts. */
public final class AlertStore {
    private static final String LEARNING_SQL = Resources.text("/db/queries/alerts/learning.sql");
    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final Clock clock;

    public AlertStore(Jdbi jdbi, ObjectMapper json, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** state: firing, resolved or all; firing first, then newest first. */
    public List<Alert> list(String state, String customer, int limit) {
        if (!List.of("firing", "resolved", "all").contains(state)) {
            throw new BadRequest("invalid_parameter", "state must be firing, resolved or all");
        }
        return jdbi.withHandle(h -> h.createQuery("select * from alerts where (:state = 'all' or state = :state)"
                        + " and (cast(:customer as text) is null or customer_id = :customer)"
                        + " order by state = 'firing' desc, case severity when 'critical' then 0 when 'warning' then 1 else 2 end,"
                        + " fired_at desc, id desc limit :limit")
                .bind("state", state).bind("customer", customer).bind("limit", limit)
                .map((rs, ctx) -> Alert.from(rs, json)).list());
    }

    public Alert get(long id) {
        return find(id).orElseThrow(() -> new NotFound("unknown_alert", "no alert " + id));
    }

    private Optional<Alert> find(long id) {
        return jdbi.withHandle(h -> h.createQuery("select * from alerts where id = :id").bind("id", id)
                .map((rs, ctx) -> Alert.from(rs, json)).findOne());
    }

    /** Marks it seen by `by` (the admin token's label); acknowledging twice keeps the first. */
    public Alert ack(long id, String by) {
        jdbi.useHandle(h -> h.createUpdate("update alerts set acked_at = coalesce(acked_at, :at), acked_by = coalesce(acked_by, :by)"
                + " where id = :id").bind("at", AlertEngine.utc(now())).bind("by", by).bind("id", id).execute());
        return get(id);
    }

    /** Mutes a rule x subject ('' = every subject of the rule) until now + `length`; returns the end. */
    public Instant mute(String rule, String subject, Duration length) {
        if (AlertRule.of(rule) == null) {
            throw new BadRequest("unknown_rule", "rule must be one of " + String.join(", ", ruleNames()));
        }
        Instant until = now().plus(length);
        jdbi.useHandle(h -> h.createUpdate("insert into alert_mutes (rule, subject, until) values (:rule, :subject, :until)"
                        + " on conflict (rule, subject) do update set until = excluded.until, created_at = now()")
                .bind("rule", rule).bind("subject", subject).bind("until", AlertEngine.utc(until)).execute());
        return until;
    }

    /** Sets a customer's daily budget; false when there is no such customer. */
    public boolean setBudget(String customer, BigDecimal dailyCents) {
        return jdbi.withHandle(h -> h.createUpdate("insert into customer_budgets (customer_id, daily_cents)"
                        + " select id, :cents from customers where id = :customer"
                        + " on conflict (customer_id) do update set daily_cents = excluded.daily_cents, updated_at = now()")
                .bind("customer", customer).bind("cents", dailyCents).execute()) == 1;
    }

    /** Firing alerts by rule and severity (the brain_alerts_firing gauge). */
    public Map<List<String>, Long> firing() {
        var out = new java.util.HashMap<List<String>, Long>();
        jdbi.useHandle(h -> h.createQuery("select rule, severity, count(*) from alerts where state = 'firing' group by 1, 2")
                .map((rs, ctx) -> out.put(List.of(rs.getString(1), rs.getString(2)), rs.getLong(3))).list());
        return out;
    }

    /** Customers whose anomaly rules are still learning (fewer than 14 days of history). */
    public List<String> learning() {
        return jdbi.withHandle(h -> h.createQuery(LEARNING_SQL).bind("now", AlertEngine.utc(now()))
                .map((rs, ctx) -> rs.getString("customer_id")).list());
    }

    public boolean customerExists(String id) {
        return jdbi.withHandle(h -> h.createQuery("select exists (select 1 from customers where id = :id)").bind("id", id)
                .mapTo(Boolean.class).one());
    }

    static List<String> ruleNames() {
        return java.util.Arrays.stream(AlertRule.values()).map(r -> r.id).toList();
    }
}
