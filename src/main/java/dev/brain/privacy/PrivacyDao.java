package dev.brain.privacy;

import dev.brain.privacy.PrivacyAdmin.AuditRow;
import dev.brain.privacy.RawSummaries.Row;
import dev.brain.redact.RedactionQueue;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The privacy queries: the tier and its switch, stored raw summaries, the audit log. */
public interface PrivacyDao {

    /** A customer's tier and Tier-C switch. */
    record Tier(String privacyTier, boolean tierCEnabled) {
    }

    @SqlQuery("select privacy_tier, tier_c_enabled from customers where id = :id")
    @RegisterConstructorMapper(Tier.class)
    Optional<Tier> tier(String id);

    @SqlUpdate("update customers set privacy_tier = :tier where id = :id")
    int setTier(String id, String tier);

    @SqlUpdate("update customers set tier_c_enabled = :on where id = :id")
    int setTierC(String id, boolean on);

    @SqlUpdate("update events set payload = payload - 'summary_raw' where customer_id = :id and jsonb_exists(payload, 'summary_raw')")
    int purgeRaw(String id);

    /** Tier-C events (switch on) whose redaction failed and whose raw text was kept. */
    @SqlQuery("""
            select e.event_id, e.ts, e.customer_id, e.agent_id, e.payload->>'summary_raw' as raw
            from events e join customers c on c.id = e.customer_id
            where c.privacy_tier = 'c' and c.tier_c_enabled and (cast(:customer as text) is null or c.id = :customer)
              and jsonb_exists(e.payload, 'summary_failed') and jsonb_exists(e.payload, 'summary_raw')""")
    @RegisterConstructorMapper(RedactionQueue.Job.class)
    List<RedactionQueue.Job> failedRedactions(String customer);

    @SqlQuery("""
            select event_id, ts, agent_id, session_id, payload->>'summary_raw' as summary_raw, summary_redacted
            from events
            where customer_id = :id and ts > now() - make_interval(days => :days) and jsonb_exists(payload, 'summary_raw')
            order by ts desc limit :limit""")
    @RegisterConstructorMapper(Row.class)
    List<Row> rawSummaries(String id, int days, int limit);

    @SqlUpdate("""
            insert into audit_log (actor, action, customer_id, event_ids, detail)
            values (:actor, :action, :customer, cast(:ids as uuid[]), :detail)""")
    void audit(String actor, String action, String customer, String[] ids, String detail);

    @SqlQuery("""
            select id, at, actor, action, customer_id, cardinality(event_ids) as events, detail from audit_log
            where (cast(:customer as text) is null or customer_id = :customer) order by at desc, id desc limit :limit""")
    @RegisterConstructorMapper(AuditRow.class)
    List<AuditRow> auditLog(String customer, int limit);

    /** The ALTER ROLE statement with the password quoted as a literal by the server (ALTER ROLE takes no bind). */
    @SqlQuery("select format('alter role brain_reader with login password %L', cast(:password as text))")
    String readerPasswordStatement(String password);
}
