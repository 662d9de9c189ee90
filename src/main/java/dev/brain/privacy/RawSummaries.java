package dev.brain.privacy;

import dev.brain.error.Forbidden;
import dev.brain.error.NotFound;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Tier-C raw summaries, read only through here, and every read written to the audit log in the same transaction. */
public final class RawSummaries {
    private final Jdbi jdbi;

    public RawSummaries(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public record Row(UUID eventId, Instant ts, String agentId, String sessionId, String summaryRaw, String summaryRedacted) {
    }

    public List<Row> read(String actor, String customerId, int days, int limit) {
        return jdbi.inTransaction(h -> {
            Boolean on = h.createQuery("select privacy_tier = 'c' and tier_c_enabled from customers where id = :id")
                    .bind("id", customerId).mapTo(Boolean.class).findOne()
                    .orElseThrow(() -> new NotFound("not_found", "no customer " + customerId));
            if (!on) {
                throw new Forbidden("tier_c_off", "customer " + customerId + " is not tier c with the Tier-C switch on");
            }
            List<Row> rows = h.createQuery("""
                            select event_id, ts, agent_id, session_id, payload->>'summary_raw' as summary_raw, summary_redacted
                            from events
                            where customer_id = :id and ts > now() - make_interval(days => :days) and jsonb_exists(payload, 'summary_raw')
                            order by ts desc limit :limit""")
                    .bind("id", customerId).bind("days", days).bind("limit", limit)
                    .map((rs, ctx) -> new Row(UUID.fromString(rs.getString("event_id")), rs.getTimestamp("ts").toInstant(),
                            rs.getString("agent_id"), rs.getString("session_id"), rs.getString("summary_raw"), rs.getString("summary_redacted")))
                    .list();
            h.createUpdate("""
                            insert into audit_log (actor, action, customer_id, event_ids, detail)
                            values (:actor, 'read_raw_summaries', :customer, cast(:ids as uuid[]), :detail)""")
                    .bind("actor", actor).bind("customer", customerId)
                    .bind("ids", rows.stream().map(r -> r.eventId().toString()).toArray(String[]::new))
                    .bind("detail", rows.size() + " rows, last " + days + " days")
                    .execute();
            return rows;
        });
    }
}
