package dev.brain.analytics;

import dev.brain.auth.TenantDao;
import dev.brain.http.Json;
import java.time.Instant;
import java.util.Map;
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

    static final String CATEGORIES_ACROSS = "select * from analytics.categories_across(:days, :customer)";

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

    public Table answer(Question q, int days, String customer) {
        return run(q.sql, days, customer);
    }

    public Table categoriesAcrossCustomers(int days, String customer) {
        return run(CATEGORIES_ACROSS, days, customer);
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
                .createQuery(sql).bind("days", days).bind("customer", customer).bind("slo", modelObjectives)
                .scanResultSet((rs, ctx) -> Table.from(rs.get())));
    }
}
