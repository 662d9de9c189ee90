package dev.brain.analytics;

import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Map a raw category onto a canonical one. Both sides go through the same normaliser as the
 * rollups (SQL brain_normalise_category), and aliases apply to past data too.
 */
public final class CategoryAliases {
    private final Jdbi jdbi;

    public CategoryAliases(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** What alias did; the names are normalised, chainedTo is set only for CANONICAL_IS_ALIAS. */
    public record Aliasing(Result result, String alias, String canonical, String chainedTo) {
        public enum Result { ALIASED, NOT_A_CATEGORY, SAME_CATEGORY, CANONICAL_IS_ALIAS }
    }

    /** What unalias did, with the normalised name. */
    public record Unaliasing(String alias, boolean removed) {
    }

    /** A category seen (null when only an alias names it), what it reports as, and its sessions so far. */
    public record CategoryRow(String category, String reportsAs, long sessions) {
    }

    public Aliasing alias(String from, String to) {
        String alias = normalise(from);
        String canonical = normalise(to);
        if (alias == null || canonical == null) {
            return new Aliasing(Aliasing.Result.NOT_A_CATEGORY, alias, canonical, null);
        }
        if (alias.equals(canonical)) {
            return new Aliasing(Aliasing.Result.SAME_CATEGORY, alias, canonical, null);
        }
        String chained = jdbi.withExtension(CategoryAliasDao.class, dao -> dao.canonicalOf(canonical)).orElse(null);
        if (chained != null) {
            return new Aliasing(Aliasing.Result.CANONICAL_IS_ALIAS, alias, canonical, chained);
        }
        jdbi.useTransaction(h -> {
            CategoryAliasDao dao = h.attach(CategoryAliasDao.class);
            dao.upsert(alias, canonical);
            // Whatever pointed at the new alias now points at its canonical name: no chains.
            dao.repoint(alias, canonical);
        });
        return new Aliasing(Aliasing.Result.ALIASED, alias, canonical, null);
    }

    public Unaliasing unalias(String from) {
        String alias = normalise(from);
        return new Unaliasing(alias, jdbi.withExtension(CategoryAliasDao.class, dao -> dao.delete(alias)) > 0);
    }

    /** Every category seen (normalised) and every alias. */
    public List<CategoryRow> list() {
        return jdbi.withExtension(CategoryAliasDao.class, CategoryAliasDao::list);
    }

    private String normalise(String raw) {
        return jdbi.withExtension(CategoryAliasDao.class, dao -> dao.normalise(raw)).orElse(null);
    }
}
