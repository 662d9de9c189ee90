package dev.brain.analytics;

import dev.brain.auth.TenantDao;
import dev.brain.http.Json;
import java.time.Instant;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.jdbi.v3.core.Jdbi;

/** The saved questions, answered from the rollups through the analytics.* SQL functions (the same ones Metabase reads). */
public final class Analytics {
    /** The questions, by the last segment of their endpoint, each naming its SQL function. */
    public enum Question {
        ENGAGEMENT("engagement", "select * from analytics.engagement(:days, :customer)"),
        LAST_SEEN("last-seen", "select * from analytics.last_seen(:customer)"),
        TOOLS("tools", "select * from analytics.tools(:days, :customer)"),
        SPEND("spend", "select * from analytics.spend(:days, :customer)"),
        CATEGORIES("categories", "select * from analytics.categories(:days, :customer)"),
        OUTCOMES("outcomes", "select * from analytics.outcomes(:days, :customer)"),
        HEALTH("health", "select * from analytics.health(:days, :customer)"),
        USAGE_METRICS("usage-metrics", "select * from analytics.usage_metrics(:days, :customer)"),
        BUSINESS("outcomes/business", "select * from analytics.business_outcomes(:days, :customer)"),
        MODELS("models", "select * from analytics.models(:days, :customer, cast(:slo as jsonb))"),
        DECISIONS("decisions", "select * from analytics.decisions(:days, :customer)");

        public final String path;
        final String sql;

        Question(String path, String sql) {
            this.path = path;
            this.sql = sql;
        }
    }

    private static final String FRESH_SQL = "select fresh_as_of from rollup_state where name = 'events'";
    static final String CATEGORIES_ACROSS = "select * from analytics.categories_across(:days, :customer)";
    static final String CATEGORIES_SHARED = "select * from analytics.categories_shared(:days, :k)";

    private final Jdbi jdbi;
    private final String modelObjectives;

    public Analytics(Jdbi jdbi) {
        this(jdbi, Map.of());
    }

    /** modelObjectives: p90 latency objectives per model in ms ("*": every other model), flagged by the models answer. */
    public Analytics(Jdbi jdbi, Map<String, Long> modelObjectives) {
        this.jdbi = jdbi;
        this.modelObjectives = modelObjectives.isEmpty() ? null : Json.mapper().valueToTree(modelObjectives).toString();
    }

    /** Rows with the fresh_as_of they reflect; `across` is the categories-across-customers table or null. */
    public record Answer(Instant freshAsOf, Table rows, Table across) {
    }

    /** Every event accepted before this instant is in the rollups. */
    public Instant freshAsOf() {
        return jdbi.withHandle(h -> h.createQuery(FRESH_SQL).mapTo(Instant.class).one());
    }

    /**
     * Every event accepted before fresh_as_of is in the rows. Both come from one snapshot of the same database:
     * on a replica, what the replica has applied, so a lagging replica reports an older fresh_as_of. With
     * {@code sharedK} (a customer-scoped reader) the categories across customers are only those at least k
     * customers share, without their names.
     */
    public Answer answer(Question q, int days, String customer, Integer sharedK) {
        return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            Instant fresh = h.createQuery(FRESH_SQL).mapTo(Instant.class).one();
            Table rows = run(h, q.sql, days, customer);
            Table across = q != Question.CATEGORIES ? null : sharedK == null ? run(h, CATEGORIES_ACROSS, days, customer)
                    : h.createQuery(CATEGORIES_SHARED).bind("days", days).bind("k", sharedK)
                            .scanResultSet((rs, ctx) -> Table.from(rs.get()));
            return new Answer(fresh, rows, across);
        });
    }

    public boolean customerExists(String id) {
        return jdbi.withExtension(TenantDao.class, tenants -> tenants.customerExists(id));
    }

    private Table run(Handle h, String sql, int days, String customer) {
        return h.configure(SqlStatements.class, s -> s.setUnusedBindingAllowed(true))
                .createQuery(sql).bind("days", days).bind("customer", customer).bind("slo", modelObjectives)
                .scanResultSet((rs, ctx) -> Table.from(rs.get()));
    }
}
