package dev.brain.privacy;

import dev.brain.error.RedactionFailed;
import dev.brain.redact.Redactor;
import dev.brain.redact.RedactionQueue;
import dev.brain.redact.SummaryStore;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** The admin side of privacy: the Tier-C switch, purging raw text, retrying failed Tier-C redactions, the audit log. */
public final class PrivacyAdmin {
    private final Jdbi jdbi;

    public PrivacyAdmin(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public record AuditRow(long id, Instant at, String actor, String action, String customerId, int events, String detail) {
    }

    /** Turns the switch on or off; off (or a tier other than c) removes every stored raw summary of the customer. */
    public int setTierC(String customerId, boolean on) {
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("update customers set tier_c_enabled = :on where id = :id").bind("on", on).bind("id", customerId).execute();
            if (n > 0 && !on) {
                purgeRaw(h, customerId);
            }
            return n;
        });
    }

    /** Changes the tier; leaving tier c removes every stored raw summary of the customer. */
    public int setTier(String customerId, String tier) {
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("update customers set privacy_tier = :tier where id = :id").bind("tier", tier).bind("id", customerId).execute();
            if (n > 0 && !tier.equals("c")) {
                purgeRaw(h, customerId);
            }
            return n;
        });
    }

    private static int purgeRaw(org.jdbi.v3.core.Handle h, String customerId) {
        return h.createUpdate("update events set payload = payload - 'summary_raw' where customer_id = :id and jsonb_exists(payload, 'summary_raw')")
                .bind("id", customerId).execute();
    }

    /** Re-runs redaction for Tier-C events whose raw text was kept; returns {ok, failed}. */
    public int[] retryFailed(Redactor redactor, String customerId) {
        List<RedactionQueue.Job> jobs = jdbi.withHandle(h -> h.createQuery("""
                        select e.event_id, e.ts, e.customer_id, e.agent_id, e.payload->>'summary_raw' as raw
                        from events e join customers c on c.id = e.customer_id
                        where c.privacy_tier = 'c' and c.tier_c_enabled and (cast(:customer as text) is null or c.id = :customer)
                          and jsonb_exists(e.payload, 'summary_failed') and jsonb_exists(e.payload, 'summary_raw')""")
                .bind("customer", customerId)
                .map((rs, ctx) -> new RedactionQueue.Job(UUID.fromString(rs.getString("event_id")), rs.getTimestamp("ts").toInstant(),
                        rs.getString("customer_id"), rs.getString("agent_id"), true, rs.getString("raw")))
                .list());
        SummaryStore store = new SummaryStore(jdbi);
        int ok = 0;
        for (RedactionQueue.Job job : jobs) {
            try {
                store.redacted(job, redactor.redact(job.raw()));
                ok++;
            } catch (RedactionFailed e) {
                store.failed(job);
            }
        }
        return new int[] {ok, jobs.size() - ok};
    }

    public List<AuditRow> audit(String customerId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, at, actor, action, customer_id, cardinality(event_ids) as events, detail from audit_log
                        where (cast(:customer as text) is null or customer_id = :customer) order by at desc, id desc limit :limit""")
                .bind("customer", customerId).bind("limit", limit)
                .map((rs, ctx) -> new AuditRow(rs.getLong("id"), rs.getTimestamp("at").toInstant(), rs.getString("actor"),
                        rs.getString("action"), rs.getString("customer_id"), rs.getInt("events"), rs.getString("detail")))
                .list());
    }

    public void setReaderPassword(String password) {
        jdbi.useHandle(h -> h.execute(h.createQuery("select format('alter role brain_reader with login password %L', cast(:pw as text))")
                .bind("pw", password).mapTo(String.class).one()));
    }
}
