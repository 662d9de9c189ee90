package dev.brain.analytics;

import java.io.PrintStream;
import org.jdbi.v3.core.Jdbi;

/**
 * `brain admin category ...`: map a raw category onto a canonical one. Both sides go through the
 * same normaliser as the rollups (SQL brain_normalise_category), and aliases apply to past data too.
 */
public final class CategoryAliases {
    private final Jdbi jdbi;
    private final PrintStream out;
    private final PrintStream err;

    public CategoryAliases(Jdbi jdbi, PrintStream out, PrintStream err) {
        this.jdbi = jdbi;
        this.out = out;
        this.err = err;
    }

    public int alias(String from, String to) {
        String alias = normalise(from);
        String canonical = normalise(to);
        if (alias == null || canonical == null) {
            err.println("--from and --to must hold letters or digits");
            return 2;
        }
        if (alias.equals(canonical)) {
            err.println("'" + from + "' already normalises to '" + canonical + "'; nothing to alias");
            return 1;
        }
        String chained = jdbi.withHandle(h -> h.createQuery("select canonical from category_aliases where alias = :c")
                .bind("c", canonical).mapTo(String.class).findOne().orElse(null));
        if (chained != null) {
            err.println("'" + canonical + "' is itself an alias of '" + chained + "'; alias onto '" + chained + "' instead");
            return 1;
        }
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                    insert into category_aliases (alias, canonical) values (:a, :c)
                    on conflict (alias) do update set canonical = excluded.canonical, created_at = now()""")
                    .bind("a", alias).bind("c", canonical).execute();
            // Whatever pointed at the new alias now points at its canonical name: no chains.
            h.createUpdate("update category_aliases set canonical = :c where canonical = :a").bind("a", alias).bind("c", canonical).execute();
        });
        err.println("category '" + alias + "' now reports as '" + canonical + "'");
        return 0;
    }

    public int unalias(String from) {
        String alias = normalise(from);
        int n = jdbi.withHandle(h -> h.createUpdate("delete from category_aliases where alias = :a").bind("a", alias).execute());
        if (n == 0) {
            err.println("no alias '" + alias + "'");
            return 1;
        }
        err.println("category '" + alias + "' reports as itself again");
        return 0;
    }

    /** Every category seen (normalised) and every alias, with what it reports as and its sessions so far. */
    public int list() {
        out.println("category\treports_as\tsessions");
        jdbi.useHandle(h -> h.createQuery("""
                        select c.category, coalesce(a.canonical, c.category) as reports_as, coalesce(c.sessions, 0) as sessions
                        from (select category, sum(sessions) as sessions from rollup_category_daily group by 1) c
                        full join category_aliases a on a.alias = c.category
                        order by 2, 1""")
                .map((rs, ctx) -> rs.getString(1) + "\t" + rs.getString(2) + "\t" + rs.getLong(3))
                .forEach(out::println));
        return 0;
    }

    private String normalise(String raw) {
        return jdbi.withHandle(h -> h.createQuery("select brain_normalise_category(:r)").bind("r", raw)
                .mapTo(String.class).findOne().orElse(null));
    }
}
