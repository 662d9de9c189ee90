package dev.brain.customer;

import dev.brain.analytics.Table;
import dev.brain.error.NotFound;
import dev.brain.pricing.Prices;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;

/** One customer on one page: each section is an analytics.* function over the rollups, read on one connection. */
public final class CustomerReport {
    /** The page's tabular sections, by their name in the JSON answer and in ?section= for CSV. */
    public enum Section {
        HEALTH("health", "select * from analytics.customer_health_history(:days, :customer)"),
        AGENTS("agents", "select * from analytics.customer_agents(:days, :customer)"),
        ENGAGEMENT("engagement", "select * from analytics.customer_engagement(:days, :customer)"),
        CATEGORIES("categories", "select * from analytics.customer_category_mix(:days, :customer)"),
        OPENINGS("openings", "select * from analytics.customer_openings(:days, :customer)"),
        GROWING("growing", "select * from analytics.customer_category_growth(:days, :customer)"),
        OUTCOMES("outcomes", "select * from analytics.customer_outcomes_daily(:days, :customer)"),
        TOOLS("tools", "select * from analytics.tools(:days, :customer)"),
        ERRORS("errors", "select * from analytics.customer_errors(:days, :customer)"),
        VALUE("value", "select * from analytics.customer_value(:days, :customer)"),
        SPEND("spend", "select * from analytics.customer_spend_daily(:days, :customer)"),
        MODELS("models", "select * from analytics.customer_models(:days, :customer)");

        public final String key;
        final String sql;

        Section(String key, String sql) {
            this.key = key;
            this.sql = sql;
        }

        public static Section named(String key) {
            for (Section s : values()) {
                if (s.key.equals(key)) {
                    return s;
                }
            }
            return null;
        }
    }

    private final Jdbi jdbi;
    private final Prices prices;

    public CustomerReport(Jdbi jdbi, Prices prices) {
        this.jdbi = jdbi;
        this.prices = prices;
    }

    /** The whole page: the customer, health now, every section, and cost-to-serve with the contract. */
    public Map<String, Object> page(String customer, int days) {
        return jdbi.withHandle(h -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("customer", customerRow(h, customer));
            body.put("days", days);
            List<Map<String, Object>> now = run(h, "select * from analytics.health(:days, :customer)", days, customer).objects();
            body.put("health_now", now.isEmpty() ? null : now.get(0));
            Map<String, Object> sections = new LinkedHashMap<>();
            Map<Section, Table> tables = new LinkedHashMap<>();
            for (Section s : Section.values()) {
                Table t = section(h, s, days, customer);
                tables.put(s, t);
                sections.put(s.key, t.objects());
            }
            body.put("sections", sections);
            body.put("cost", cost(h, customer, tables.get(Section.SPEND), tables.get(Section.MODELS)));
            return body;
        });
    }

    /** One section, for CSV. */
    public Table section(String customer, Section s, int days) {
        return jdbi.withHandle(h -> {
            customerRow(h, customer);
            return section(h, s, days, customer);
        });
    }

    private Table section(Handle h, Section s, int days, String customer) {
        Table t = run(h, s.sql, days, customer);
        return s == Section.MODELS ? withCacheSavings(t) : t;
    }

    private static Map<String, Object> customerRow(Handle h, String customer) {
        return h.createQuery("select id, name, privacy_tier from customers where id = :id").bind("id", customer)
                .mapToMap().findOne().orElseThrow(() -> new NotFound("unknown_customer", "no customer " + customer));
    }

    // Cache savings per model: cache-read tokens x (input price - cache-read price); null for a model without a price.
    private Table withCacheSavings(Table models) {
        int model = models.columns().indexOf("model");
        int reads = models.columns().indexOf("cache_read_tokens");
        List<String> columns = new ArrayList<>(models.columns());
        columns.add("cache_savings_cents");
        List<List<Object>> rows = new ArrayList<>();
        for (List<Object> r : models.rows()) {
            List<Object> row = new ArrayList<>(r);
            row.add(prices.cacheSavingsCents((String) r.get(model), number(r.get(reads)).longValue()));
            rows.add(row);
        }
        return new Table(List.copyOf(columns), rows);
    }

    private static Map<String, Object> cost(Handle h, String customer, Table spend, Table models) {
        BigDecimal cost = BigDecimal.ZERO;
        long sessions = 0;
        for (Map<String, Object> d : spend.objects()) {
            cost = cost.add(number(d.get("cost_cents")));
            sessions += number(d.get("sessions")).longValue();
        }
        Double savings = null;
        TreeSet<String> bases = new TreeSet<>();
        List<String> unpricedModels = new ArrayList<>();
        for (Map<String, Object> m : models.objects()) {
            bases.add((String) m.get("cost_basis"));
            Object s = m.get("cache_savings_cents");
            if (s instanceof Double d) {
                savings = Prices.roundCents((savings == null ? 0 : savings) + d);
            } else if (number(m.get("cache_read_tokens")).signum() > 0) {
                unpricedModels.add((String) m.get("model"));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cost_cents", Table.plain(cost));
        out.put("sessions", sessions);
        out.put("cost_per_session_cents", sessions == 0 ? null
                : Table.plain(cost.divide(BigDecimal.valueOf(sessions), 4, RoundingMode.HALF_UP)));
        out.put("cost_basis", bases.isEmpty() ? "none" : String.join("+", bases));
        out.put("cache_savings_cents", savings);
        out.put("cache_savings_unpriced_models", unpricedModels);
        List<Map<String, Object>> margin = run(h, "select * from analytics.customer_margin(:customer)", 0, customer).objects();
        out.put("month", margin.isEmpty() ? null : margin.get(0));
        return out;
    }

    private static BigDecimal number(Object v) {
        return v == null ? BigDecimal.ZERO : v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
    }

    static Table run(Handle h, String sql, int days, String customer) {
        return h.configure(SqlStatements.class, s -> s.setUnusedBindingAllowed(true))
                .createQuery(sql).bind("days", days).bind("customer", customer)
                .scanResultSet((rs, ctx) -> Table.from(rs.get()));
    }
}
