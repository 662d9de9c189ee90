package dev.brain.support;

import dev.brain.config.Config;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh PostgreSQL database per test class, on the server named by TEST_DATABASE_URL
 * (`make test` sets it to the project-local cluster). Dropped when closed.
 */
public final class TestDb implements AutoCloseable {
    private final String adminUrl;
    private final String name;
    private final String url;

    private TestDb(String adminUrl, String name, String url) {
        this.adminUrl = adminUrl;
        this.name = name;
        this.url = url;
    }

    public static TestDb create() {
        return createOn(System.getenv().getOrDefault("TEST_DATABASE_URL", "jdbc:postgresql://127.0.0.1:55432/brain_test?user=brain"));
    }

    /** A fresh database on the server named by `serverUrl` (any database of it). */
    public static TestDb createOn(String serverUrl) {
        String base = Config.jdbcUrl(serverUrl);
        String name = "brain_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(base)) {
            c.createStatement().execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + base
                    + " — is PostgreSQL running? `make test` starts one (scripts/pg-local.sh)", e);
        }
        return new TestDb(base, name, replaceDatabase(base, name));
    }

    static String replaceDatabase(String jdbcUrl, String db) {
        int slash = jdbcUrl.indexOf('/', "jdbc:postgresql://".length());
        int q = jdbcUrl.indexOf('?', slash);
        return jdbcUrl.substring(0, slash + 1) + db + (q < 0 ? "" : jdbcUrl.substring(q));
    }

    public String url() {
        return url;
    }

    public String name() {
        return name;
    }

    /** A Config for this database with test-friendly settings; override any env var through `extra`. */
    public Config config(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", url);
        env.put("BRAIN_PORT", "0");
        env.put("BRAIN_HOST", "127.0.0.1");
        env.put("BRAIN_RATE_LIMIT_RPS", "0");
        env.put("BRAIN_SHUTDOWN_GRACE_S", "1");
        // A loaded machine holds pooled connections longer: a test not about load shedding must not get a 503 for it.
        env.put("BRAIN_DB_ACQUIRE_TIMEOUT_MS", "30000");
        // Likewise the stand-in Anthropic's answers: slow is not failed, unless a test says otherwise.
        env.put("BRAIN_REDACTION_TIMEOUT_MS", "30000");
        env.putAll(extra);
        return Config.from(env);
    }

    public Config config() {
        return config(Map.of());
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    // "with (force)" gives the database's other sessions 5 s to end; on a busy machine a pool still reconnecting can
    // outlast that: try again, for up to a minute, before calling it a failure.
    @Override
    public void close() {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = DriverManager.getConnection(adminUrl)) {
                c.createStatement().execute("drop database if exists " + name + " with (force)");
                return;
            } catch (SQLException e) {
                if (!"55006".equals(e.getSQLState()) || attempt == 12) {
                    throw new IllegalStateException(e);
                }
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
