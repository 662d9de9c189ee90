package dev.brain.http;

import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;

/** /readyz: the database answers and no migration is pending. */
public final class Readiness {
    private final Jdbi jdbi;
    private final BooleanSupplier migrationsApplied;
    private volatile boolean migrated;

    public Readiness(Jdbi jdbi, BooleanSupplier migrationsApplied) {
        this.jdbi = jdbi;
        this.migrationsApplied = migrationsApplied;
    }

    public String problem() {
        try {
            jdbi.useHandle(h -> h.createQuery("select 1").mapTo(Integer.class).one());
        } catch (RuntimeException e) {
            return "database unreachable";
        }
        if (!migrated) {
            migrated = migrationsApplied.getAsBoolean();
        }
        return migrated ? null : "migrations pending";
    }
}
