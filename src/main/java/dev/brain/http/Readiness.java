package dev.brain.http;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/** /readyz: the database answers and no migration is pending. */
public final class Readiness {
    private final DataSource dataSource;
    private final BooleanSupplier migrationsApplied;
    private volatile boolean migrated;

    public Readiness(DataSource dataSource, BooleanSupplier migrationsApplied) {
        this.dataSource = dataSource;
        this.migrationsApplied = migrationsApplied;
    }

    public String problem() {
        try (Connection c = dataSource.getConnection()) {
            if (!c.isValid(2)) {
                return "database unreachable";
            }
        } catch (SQLException e) {
            return "database unreachable";
        }
        if (!migrated) {
            try {
                migrated = migrationsApplied.getAsBoolean();
            } catch (RuntimeException e) {
                return "database unreachable";
            }
        }
        return migrated ? null : "migrations pending";
    }
}
