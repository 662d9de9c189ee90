package dev.brain.db;

import dev.brain.config.Config;
import dev.brain.metrics.Metrics;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.slf4j.LoggerFactory;

/**
 * Where read-only paths (analytics, dashboard, reports, exports) read: the replica named by
 * BRAIN_READ_DATABASE_URL, or the primary when it is unset. An unreachable replica does not fail a read: the
 * read goes to the primary, is counted (brain_read_fallbacks_total) and logged once per outage, and the replica
 * is tried again after a pause. Writes never come here.
 */
public final class Reads implements AutoCloseable {
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(Reads.class);
    // A dead replica costs at most one connect timeout per pause, not one per read.
    static final Duration RETRY_REPLICA_AFTER = Duration.ofSeconds(5);
    private static final Duration REPLICA_ACQUIRE_TIMEOUT = Duration.ofMillis(1000);

    private final Database primary;
    private final Database replica;
    private final Metrics metrics;
    private final Jdbi jdbi;
    private volatile long replicaRetryAt = System.nanoTime();
    private volatile boolean replicaDown;

    private Reads(Database primary, Database replica, Metrics metrics) {
        this.primary = primary;
        this.replica = replica;
        this.metrics = metrics;
        this.jdbi = replica == null ? primary.jdbi() : Jdbi.create(new Routed()).installPlugin(new SqlObjectPlugin());
    }

    /** The read side for this configuration: its own small pool on the replica, or the primary's pool itself. */
    public static Reads open(Config config, Database primary, Metrics metrics) {
        metrics.describe("brain_read_fallbacks_total", "Reads sent to the primary because the read replica was unreachable");
        metrics.inc("brain_read_fallbacks_total", 0);
        if (config.readDatabaseUrl().isEmpty()) {
            return new Reads(primary, null, metrics);
        }
        LOG.info("analytics read from the replica at {}", redacted(config.readDatabaseUrl()));
        Database replica = Database.open(config, config.readDatabaseUrl(), config.dbPoolSize(), REPLICA_ACQUIRE_TIMEOUT, "brain-read");
        metrics.describe("brain_read_replica_up", "1 while reads go to the read replica, 0 while they fall back to the primary");
        return new Reads(primary, replica, metrics).describeUp();
    }

    private Reads describeUp() {
        metrics.gauge("brain_read_replica_up", () -> replicaDown ? 0 : 1);
        return this;
    }

    /** The Jdbi every read-only path uses. */
    public Jdbi jdbi() {
        return jdbi;
    }

    private Connection connection() throws SQLException {
        if (System.nanoTime() - replicaRetryAt >= 0) {
            try {
                Connection c = replica.dataSource().getConnection();
                // A pooled connection to a replica that restarted is dead until used: check it before the read does.
                if (!c.isValid(1)) {
                    replica.dataSource().evictConnection(c);
                    throw new java.sql.SQLTransientConnectionException("the read replica's connection is dead");
                }
                if (replicaDown) {
                    replicaDown = false;
                    LOG.info("read replica reachable again: analytics read from it");
                }
                return c;
            } catch (SQLException e) {
                if (!DbErrors.isUnavailable(e)) {
                    throw e;
                }
                replicaRetryAt = System.nanoTime() + RETRY_REPLICA_AFTER.toNanos();
                if (!replicaDown) {
                    replicaDown = true;
                    LOG.warn("read replica unreachable ({}): reads fall back to the primary, retrying the replica every {} s",
                            e.getMessage(), RETRY_REPLICA_AFTER.toSeconds());
                }
            }
        }
        metrics.inc("brain_read_fallbacks_total");
        return primary.dataSource().getConnection();
    }

    static String redacted(String url) {
        return url.replaceAll("password=[^&]*", "password=***");
    }

    @Override
    public void close() {
        if (replica != null) {
            replica.close();
        }
    }

    // Jdbi asks its DataSource for a connection per handle; this one picks replica or primary at that moment.
    private final class Routed implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return connection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("the read pool has its own credentials");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
