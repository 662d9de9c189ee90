package dev.brain.db;

import dev.brain.error.DatabaseFailure;
import dev.brain.metrics.Metrics;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.brain.config.Config;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/** The connection pool, migrations, and the Jdbi handle over them. */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private final String url;

    private Database(HikariDataSource dataSource, String url) {
        this.dataSource = dataSource;
        this.url = url;
        this.jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
    }

    // A 202 means committed: a server (or database, or role) default of synchronous_commit = off is raised to on for
    // the brain's sessions; local, remote_write and remote_apply stay as the operator chose.
    public static final String DURABLE_COMMITS =
            "select set_config('synchronous_commit', 'on', false) where current_setting('synchronous_commit') = 'off'";

    public static Database open(Config config) {
        return open(config, config.dbPoolSize());
    }

    public static Database open(Config config, int poolSize) {
        return open(config, config.databaseUrl(), poolSize, config.dbAcquireTimeout(), "brain");
    }

    /** A pool on another database of the same schema (the read replica), under its own name. */
    static Database open(Config config, String url, int poolSize, java.time.Duration acquireTimeout, String poolName) {
        var hc = new HikariConfig();
        hc.setJdbcUrl(withTimeouts(config, url));
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(Math.min(2, poolSize));
        hc.setConnectionTimeout(acquireTimeout.toMillis());
        hc.setValidationTimeout(Math.max(250, Math.min(1000, acquireTimeout.toMillis() / 2)));
        // Start even when PostgreSQL is down; callers find out on first use (503, /readyz).
        hc.setInitializationFailTimeout(0);
        hc.setPoolName(poolName);
        hc.setConnectionInitSql(DURABLE_COMMITS);
        return new Database(new HikariDataSource(hc), hc.getJdbcUrl());
    }

    private static String withTimeouts(Config config, String url) {
        String sep = url.contains("?") ? "&" : "?";
        var extra = new StringBuilder();
        if (!url.contains("connectTimeout=")) {
            extra.append("connectTimeout=").append(Math.max(1, config.dbAcquireTimeout().toSeconds()));
        }
        if (!url.contains("socketTimeout=")) {
            extra.append(extra.length() > 0 ? "&" : "").append("socketTimeout=").append(config.dbSocketTimeout().toSeconds());
        }
        if (!url.contains("ApplicationName=")) {
            extra.append(extra.length() > 0 ? "&" : "").append("ApplicationName=brain");
        }
        return extra.length() == 0 ? url : url + sep + extra;
    }

    // Flyway opens its own connections (it needs two), so migrating never competes with the pool.
    public Flyway flyway() {
        return Flyway.configure()
                .dataSource(url, null, null)
                .locations("classpath:db/migrations")
                .loggers("slf4j")
                .load();
    }

    /** Pool gauges on /metrics: connections active, idle, waited for, and the maximum. */
    public void describePool(Metrics metrics) {
        var pool = dataSource;
        metrics.describe("brain_db_pool_connections", "Database pool connections by state");
        metrics.gauge("brain_db_pool_connections", () -> pool.getHikariPoolMXBean().getActiveConnections(), "state", "active");
        metrics.gauge("brain_db_pool_connections", () -> pool.getHikariPoolMXBean().getIdleConnections(), "state", "idle");
        metrics.gauge("brain_db_pool_connections", () -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection(), "state", "waiting");
        metrics.gauge("brain_db_pool_connections", pool::getMaximumPoolSize, "state", "max");
    }

    /** Applies pending migrations (versioned, then repeatable); returns how many ran. */
    public int migrate() {
        if (pendingMigrations().isEmpty()) {
            return 0;
        }
        return flyway().migrate().migrationsExecuted;
    }

    /**
     * Migrations shipped in the jar that the database has not applied: versions, and the scripts of
     * repeatable migrations (R__*.sql) whose text here was never applied. Cheap (one query), so the
     * common start-up, where nothing is pending, never pays for Flyway's own scan and validation.
     * A repeatable's text that was applied once and then superseded by a newer build's is not pending:
     * an older instance still running during a rolling deploy stays ready and, migrating, never puts
     * its definitions back. Returning a file to an earlier text therefore needs any other change too.
     */
    public Set<String> pendingMigrations() {
        Migrations.Bundled bundled = Migrations.bundled();
        Set<String> pending = new TreeSet<>(bundled.versions());
        Map<String, Set<Integer>> applied = new HashMap<>();
        // Plain JDBC: Jdbi's first statement costs ~200 ms of parser set-up that start-up need not wait for.
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select version, script, checksum from flyway_schema_history where success")) {
            while (rs.next()) {
                if (rs.getString(1) != null) {
                    pending.remove(rs.getString(1));
                } else {
                    applied.computeIfAbsent(rs.getString(2), k -> new HashSet<>()).add(rs.getInt(3));
                }
            }
        } catch (SQLException e) {
            if (DbErrors.isUnavailable(e)) {
                throw new DatabaseFailure("cannot read the migration history", e);
            }
            // No history table yet: everything is pending.
        }
        bundled.repeatables().forEach((script, checksum) -> {
            if (!applied.getOrDefault(script, Set.of()).contains(checksum)) {
                pending.add(script);
            }
        });
        return pending;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
