package dev.brain.analytics;

import dev.brain.auth.TenantDao;
import java.time.Instant;
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
        USAGE_METRICS("usage-metrics", "select * from analytics.usage_metrics(:days, :customer)");

        public final String path;
        final String sql;

        Question(String path, String sql) {
            this.path = path;
            this.sql = sql;
        }
    }

    static final String CATEGORIES_ACROSS = "select * from analytics.categories_across(:days, :customer)";
    static final String CATEGORIES_SHARED = "select * from analytics.categories_shared(:days, :k)";

    private final Jdbi jdbi;

    public Analytics(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Table answer(Question q, int days, String customer) {
        return run(q.sql, days, customer);
    }

    public Table categoriesAcrossCustomers(int days, String customer) {
        return run(CATEGORIES_ACROSS, days, customer);
    }

    /** Categories at least k customers use, without their names: what a customer-scoped reader may see across customers. */
    public Table categoriesShared(int days, int k) {
        return jdbi.withHandle(h -> h.createQuery(CATEGORIES_SHARED).bind("days", days).bind("k", k)
                .scanResultSet((rs, ctx) -> Table.from(rs.get())));
    }

    /** Every event accepted before this instant is in the rollups. */
    public Instant freshAsOf() {
        return jdbi.withHandle(h -> h.createQuery("select fresh_as_of from rollup_state where name = 'events'")
                .mapTo(Instant.class).one());
    }

    public boolean customerExists(String id) {
        return jdbi.withExtension(TenantDao.class, tenants -> tenants.customerExists(id));
    }

    private Table run(String sql, int days, String customer) {
        return jdbi.withHandle(h -> h.configure(org.jdbi.v3.core.statement.SqlStatements.class, s -> s.setUnusedBindingAllowed(true))
                .createQuery(sql).bind("days", days).bind("customer", customer)
                .scanResultSet((rs, ctx) -> Table.from(rs.get())));
    }
}
