package dev.brain.alerts;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;

/** The outbox's rows for the Notifier: claim (lease) the next due one, then record how its send went. */
final class OutboxDao {
    // The oldest due notification of the channel whose alert has no earlier one pending: fired before resolved. A
    // subquery per candidate, not an anti-join: with stale statistics the planner made that quadratic (10 s at 2,000 rows).
    private static final String CLAIM = """
            update alert_notifications n set lease_until = :lease, attempts = n.attempts + 1
            where n.id = (
              select c.id from alert_notifications c
              where c.channel = :channel and c.state = 'pending' and c.next_attempt_at <= :now
                and (c.lease_until is null or c.lease_until < :now)
                and c.id = (select min(o.id) from alert_notifications o
                            where o.alert_id = c.alert_id and o.channel = c.channel and o.state = 'pending')
              order by c.next_attempt_at, c.id limit 1
              for update skip locked)
            returning n.id, n.alert_id, n.channel, n.kind, n.body, n.attempts, n.created_at""";
    private final Jdbi jdbi;

    record Claimed(long id, long alertId, String channel, String kind, String body, int attempts, Instant createdAt) {
    }

    OutboxDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Optional<Claimed> claim(String channel, Instant now, Instant leaseUntil) {
        return jdbi.inTransaction(h -> h.createQuery(CLAIM).bind("channel", channel).bind("now", AlertEngine.utc(now))
                .bind("lease", AlertEngine.utc(leaseUntil))
                .map((rs, ctx) -> new Claimed(rs.getLong("id"), rs.getLong("alert_id"), rs.getString("channel"), rs.getString("kind"),
                        rs.getString("body"), rs.getInt("attempts"), rs.getObject("created_at", OffsetDateTime.class).toInstant()))
                .findOne()
                .map(c -> {
                    Delivery.record(h, c.alertId(), c.channel(), c.kind(), "sending", c.attempts(), null);
                    return c;
                }));
    }

    void delivered(Claimed n, Instant at) {
        finish(n, "update alert_notifications set state = 'delivered', delivered_at = :at, lease_until = null, last_error = null"
                + " where id = :id and attempts = :attempts", "delivered", null, at);
    }

    void retry(Claimed n, Instant next, String error) {
        finish(n, "update alert_notifications set next_attempt_at = :at, lease_until = null, last_error = :error"
                + " where id = :id and attempts = :attempts", "retrying", error, next);
    }

    void failed(Claimed n, String error) {
        finish(n, "update alert_notifications set state = 'failed', lease_until = null, last_error = :error"
                + " where id = :id and attempts = :attempts", "failed", error, Instant.EPOCH);
    }

    /** Gives an unfinished send back: the next claim (here or on another instance) sends it again. */
    void release(Claimed n) {
        finish(n, "update alert_notifications set lease_until = null, attempts = attempts - 1, last_error = :error"
                + " where id = :id and attempts = :attempts", "pending", "interrupted by shutdown", Instant.EPOCH);
    }

    // Only while this send's lease is still ours (attempts unchanged): a late answer never overwrites a newer claim.
    private void finish(Claimed n, String sql, String state, String error, Instant at) {
        jdbi.useTransaction(h -> {
            h.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
            int rows = h.createUpdate(sql).bind("id", n.id()).bind("attempts", n.attempts()).bind("error", error)
                    .bind("at", AlertEngine.utc(at)).execute();
            if (rows == 1) {
                Delivery.record(h, n.alertId(), n.channel(), n.kind(), state, n.attempts(), error);
            }
        });
    }
}
