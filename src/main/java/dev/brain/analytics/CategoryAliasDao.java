package dev.brain.analytics;

import dev.brain.analytics.CategoryAliases.CategoryRow;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** category_aliases, and the normaliser the rollups use (SQL brain_normalise_category). */
public interface CategoryAliasDao {

    @SqlQuery("select brain_normalise_category(:raw)")
    Optional<String> normalise(String raw);

    @SqlQuery("select canonical from category_aliases where alias = :alias")
    Optional<String> canonicalOf(String alias);

    @SqlUpdate("""
            insert into category_aliases (alias, canonical) values (:alias, :canonical)
            on conflict (alias) do update set canonical = excluded.canonical, created_at = now()""")
    void upsert(String alias, String canonical);

    @SqlUpdate("update category_aliases set canonical = :canonical where canonical = :alias")
    void repoint(String alias, String canonical);

    @SqlUpdate("delete from category_aliases where alias = :alias")
    int delete(String alias);

    @SqlQuery("""
            select c.category, coalesce(a.canonical, c.category) as reports_as, coalesce(c.sessions, 0) as sessions
            from (select category, sum(sessions) as sessions from rollup_category_daily group by 1) c
            full join category_aliases a on a.alias = c.category
            order by 2, 1""")
    @RegisterConstructorMapper(CategoryRow.class)
    List<CategoryRow> list();
}
