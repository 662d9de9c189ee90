package dev.brain.hook;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real brain (target/brain.jar) as a child process on a real PostgreSQL, so tests can stop it
 * and start it again. Each instance provisions its own customer, agent and key. (Adapted from the
 * SDK's end-to-end helper: the two builds share no test code.)
 */
final class RealBrain implements AutoCloseable {
    private static String databaseUrl;
    private static boolean migrated;

    final String agentId;
    final String apiKey;
    final int port;
    private final Map<String, String> extraEnv;
    private Process process;

    private RealBrain(String agentId, String apiKey, int port, Map<String, String> extraEnv) {
        this.agentId = agentId;
        this.apiKey = apiKey;
        this.port = port;
        this.extraEnv = extraEnv;
    }

    /** Skips the calling test when there is no brain jar, unless under CI where that is a failure. */
    static Path jarOrSkip() {
        Path jar = Paths.get(System.getProperty("brain.jar", "../target/brain.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            if (System.getenv("CI") != null) {
                fail("the end-to-end tests need " + jar + " (build the server first: make build)");
            }
            assumeTrue(false, "no " + jar + ": end-to-end tests skipped (build the server to run them)");
        }
        return jar;
    }

    static synchronized String databaseUrl() throws IOException, InterruptedException {
        if (databaseUrl == null) {
            String fromEnv = System.getenv("BRAIN_HOOKS_TEST_DATABASE_URL");
            if (fromEnv != null && !fromEnv.isBlank()) {
                databaseUrl = fromEnv.trim();
            } else {
                String script = System.getProperty("brain.pgLocal", "../scripts/pg-local.sh");
                Process p = new ProcessBuilder(script, "brain_hooks_test").redirectError(ProcessBuilder.Redirect.INHERIT).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (p.waitFor() != 0 || out.isEmpty()) {
                    fail("could not start the project-local PostgreSQL with " + script);
                }
                String[] lines = out.split("\n");
                databaseUrl = lines[lines.length - 1].trim();
            }
        }
        return databaseUrl;
    }

    /** Migrates once, provisions a fresh tier-c customer (switch on), agent and key; does not start serving yet. */
    static RealBrain provision(Map<String, String> extraEnv) throws Exception {
        jarOrSkip();
        synchronized (RealBrain.class) {
            if (!migrated) {
                cli("migrate");
                migrated = true;
            }
        }
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        // Tier c with its switch on: the brain keeps summary_raw in the payload, so tests can read it back.
        cli("admin", "customer", "add", "--id", "cust_hook_" + suffix, "--name", "Hook test " + suffix, "--tier", "c");
        cli("admin", "customer", "tier-c", "--id", "cust_hook_" + suffix, "--enabled", "true");
        cli("admin", "agent", "add", "--id", "agent_hook_" + suffix, "--customer", "cust_hook_" + suffix);
        String key = cli("admin", "key", "create", "--agent", "agent_hook_" + suffix).trim();
        return new RealBrain("agent_hook_" + suffix, key, freePort(), extraEnv);
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts serving and waits until /readyz answers 200. */
    RealBrain start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-jar", jarOrSkip().toString(), "serve");
        pb.environment().put("DATABASE_URL", databaseUrl());
        pb.environment().put("BRAIN_PORT", Integer.toString(port));
        pb.environment().put("BRAIN_LOG_LEVEL", "warn");
        pb.environment().putAll(extraEnv);
        Path log = Paths.get("target", "it-brain-" + port + ".log");
        Files.createDirectories(log.getParent());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("the brain exited with " + process.exitValue() + "; see " + log.toAbsolutePath());
            }
            if (ready()) {
                return this;
            }
            Thread.sleep(100);
        }
        fail("the brain did not become ready within 60 s; see " + log.toAbsolutePath());
        return this;
    }

    /** kill -9: no graceful shutdown, like a crash. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private boolean ready() {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(endpoint() + "/readyz").openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** Rows of this agent: [event_id, event_type, session_id, payload text, ts], in ts order. */
    List<String[]> rows() throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(databaseUrl());
             PreparedStatement st = c.prepareStatement(
                     "select event_id::text, event_type, session_id, payload::text, ts from events where agent_id = ? order by ts, id")) {
            st.setString(1, agentId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getTimestamp(5).toInstant().toString()});
                }
            }
        }
        return rows;
    }

    long count(String sql) throws SQLException, IOException, InterruptedException {
        try (Connection c = DriverManager.getConnection(databaseUrl()); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, agentId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", jarOrSkip().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("DATABASE_URL", databaseUrl());
        pb.environment().put("BRAIN_LOG_LEVEL", "warn");
        Path err = Files.createTempFile("brain-cli", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("brain " + String.join(" ", args) + " failed: " + Files.readString(err));
        }
        Files.deleteIfExists(err);
        return out;
    }

    static String javaBin() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }


    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
