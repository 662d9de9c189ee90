package dev.brain.report;

import dev.brain.analytics.Table;
import dev.brain.config.Resources;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;

/** Builds the weekly digest from the rollups: the 7 days before `until` against the 7 before them. */
public final class WeeklyDigest {
    private static final String MOVERS = Resources.text("/db/queries/report/movers.sql");
    private static final String AT_RISK = Resources.text("/db/queries/report/at-risk.sql");
    private static final String CATEGORIES = Resources.text("/db/queries/report/categories.sql");
    private static final String SPEND = Resources.text("/db/queries/report/spend.sql");
    private static final String OLD_VERSIONS = Resources.text("/db/queries/report/old-versions.sql");
    // The alerts feature lands separately: its table is read only when it exists, by whichever time columns it has.
    private static final List<String> OPENED_COLUMNS = List.of("opened_at", "fired_at", "started_at", "created_at");
    private static final int TOP = 10;
    private final Jdbi jdbi;

    public WeeklyDigest(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The digest of [until - 7, until), for one customer or (customer null) all. */
    public Digest build(LocalDate until, String customer) {
        LocalDate since = until.minusDays(7);
        return jdbi.withHandle(h -> {
            List<Digest.Section> sections = new ArrayList<>();
            sections.add(section(h, MOVERS, since, customer, "Health movers",
                    "Customers whose sessions changed most against the week before (the activity part of health), with health now and why.",
                    List.of("Customer", "Sessions", "Week before", "Change", "Health", "Why"),
                    r -> List.of(text(r, "customer_id"), text(r, "sessions"), text(r, "sessions_prev"), signed(r.get("change")),
                            text(r, "score"), text(r, "reason")), TOP));
            sections.add(section(h, AT_RISK, since, customer, "At risk",
                    "Health below 50 now (40% activity trend + 30% agents live + 30% quality), riskiest first.",
                    List.of("Customer", "Health", "Why"), r -> List.of(text(r, "customer_id"), text(r, "score"), text(r, "reason")), TOP * 2));
            Digest.Section alerts = alerts(h, since, until, customer);
            if (alerts != null) {
                sections.add(alerts);
            }
            sections.add(section(h, CATEGORIES, since, customer, "Category trends",
                    "Sessions per category across customers, largest change first.",
                    List.of("Category", "Sessions", "Week before", "Change", "Customers"),
                    r -> List.of(text(r, "category"), text(r, "sessions"), text(r, "sessions_prev"),
                            signed(((Number) r.get("sessions")).longValue() - ((Number) r.get("sessions_prev")).longValue()),
                            text(r, "customers")), TOP));
            sections.add(spend(h, since, customer));
            sections.add(section(h, OLD_VERSIONS, since, customer, "Agents on old versions",
                    "Agents behind the newest version reported by agents of the same kind.",
                    List.of("Agent", "Customer", "Kind", "Version", "Newest"),
                    r -> List.of(text(r, "agent_id"), text(r, "customer_id"), text(r, "kind"), text(r, "version"), text(r, "newest")), 50));
            return new Digest(since, until, customer, List.copyOf(sections));
        });
    }

    private static Digest.Section spend(Handle h, LocalDate since, String customer) {
        List<Map<String, Object>> rows = query(h, SPEND, since, customer);
        BigDecimal week = BigDecimal.ZERO;
        BigDecimal before = BigDecimal.ZERO;
        for (Map<String, Object> r : rows) {
            week = week.add(decimal(r.get("cost_cents")));
            before = before.add(decimal(r.get("cost_cents_prev")));
        }
        List<List<String>> cells = rows.stream().limit(TOP).map(r -> List.of(text(r, "customer_id"), dollars(r.get("cost_cents")),
                dollars(r.get("cost_cents_prev")), text(r, "sessions"), dollars(r.get("cents_per_session")))).toList();
        return new Digest.Section("Spend and cost to serve", "LLM spend " + dollars(week) + " this week (" + dollars(before)
                + " the week before); the biggest spenders, with the cost per session they started.",
                List.of("Customer", "Spend", "Week before", "Sessions", "Per session"), cells);
    }

    private static Digest.Section alerts(Handle h, LocalDate since, LocalDate until, String customer) {
        if (!h.createQuery("select to_regclass('public.alerts') is not null").mapTo(Boolean.class).one()) {
            return null;
        }
        Set<String> columns = h.createQuery("""
                select column_name from information_schema.columns where table_schema = 'public' and table_name = 'alerts'""")
                .mapTo(String.class).set();
        String opened = OPENED_COLUMNS.stream().filter(columns::contains).findFirst().orElse(null);
        if (opened == null || !columns.contains("resolved_at")) {
            return new Digest.Section("Alerts", "The alerts table has no opened/resolved times this digest knows.", List.of(), List.of());
        }
        // Column names come from the fixed list above, never from input.
        String sql = "select count(*) filter (where " + opened + " >= cast(:since as timestamp) at time zone 'utc' and " + opened
                + " < cast(:until as timestamp) at time zone 'utc') as opened, count(*) filter (where resolved_at >= cast(:since as timestamp)"
                + " at time zone 'utc' and resolved_at < cast(:until as timestamp) at time zone 'utc') as resolved,"
                + " count(*) filter (where resolved_at is null) as open from alerts"
                + (columns.contains("customer_id") ? " where cast(:customer as text) is null or customer_id = :customer" : "");
        Map<String, Object> r = h.configure(SqlStatements.class, s -> s.setUnusedBindingAllowed(true)).createQuery(sql).bind("since", since).bind("until", until).bind("customer", customer).mapToMap().one();
        return new Digest.Section("Alerts", "Alerts opened and resolved this week, and those still open.",
                List.of("New", "Resolved", "Open"), List.of(List.of(text(r, "opened"), text(r, "resolved"), text(r, "open"))));
    }

    private static Digest.Section section(Handle h, String sql, LocalDate since, String customer, String title, String note,
                                          List<String> columns, Function<Map<String, Object>, List<String>> row, int limit) {
        List<List<String>> rows = query(h, sql, since, customer).stream().limit(limit).map(row).toList();
        return new Digest.Section(title, note, columns, rows);
    }

    private static List<Map<String, Object>> query(Handle h, String sql, LocalDate since, String customer) {
        return h.configure(SqlStatements.class, s -> s.setUnusedBindingAllowed(true))
                .createQuery(sql).bind("since", since).bind("customer", customer)
                .scanResultSet((rs, ctx) -> Table.from(rs.get())).objects();
    }

    private static String text(Map<String, Object> r, String column) {
        Object v = r.get(column);
        return v == null ? null : v.toString();
    }

    private static String signed(Object n) {
        long v = ((Number) n).longValue();
        return v > 0 ? "+" + v : v < 0 ? "−" + -v : "0";
    }

    private static BigDecimal decimal(Object v) {
        return v == null ? BigDecimal.ZERO : new BigDecimal(v.toString());
    }

    static String dollars(Object cents) {
        return cents == null ? null : "$" + decimal(cents).movePointLeft(2).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }
}
