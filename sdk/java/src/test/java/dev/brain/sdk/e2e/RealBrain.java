package dev.brain.sdk.e2e;

import java.io.File;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real brain (target/brain.jar) as a child process on a real PostgreSQL, so tests can kill it
 * mid-stream and start it again. Each instance provisions its own customer, agent and key. Shared
 * with the hook's tests through this module's test jar.
 */
public final class RealBrain implements AutoCloseable {
    /** Where a test suite's brain keeps its data and what kind of customer it provisions. */
    public record Profile(String database, String databaseUrlVariable, String tier, boolean tierC, String prefix) {
    }

    /** The SDK's: a tier-b customer, in a database of the run's own next to brain_sdk_test (or BRAIN_SDK_TEST_DATABASE_URL). */
    public static final Profile SDK = new Profile("brain_sdk_test", "BRAIN_SDK_TEST_DATABASE_URL", "b", false, "sdk");

    private static final Map<Profile, String> DATABASE_URLS = new HashMap<>();
    private static final Set<Profile> MIGRATED = new HashSet<>();

    final String agentId;
    final String apiKey;
    /** The key's signing secret when it was minted with --require-signature, else null. */
    final String signingSecret;
    final int port;
    private final Profile profile;
    private final Map<String, String> extraEnv;
    private Process process;

    private RealBrain(Profile profile, String agentId, String apiKey, String signingSecret, int port, Map<String, String> extraEnv) {
        this.profile = profile;
        this.agentId = agentId;
        this.apiKey = apiKey;
        this.signingSecret = signingSecret;
        this.port = port;
        this.extraEnv = extraEnv;
    }

    public String apiKey() {
        return apiKey;
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

    static synchronized String databaseUrl(Profile profile) throws IOException, InterruptedException, SQLException {
        String url = DATABASE_URLS.get(profile);
        if (url == null) {
            url = ownDatabase(namedDatabaseUrl(profile));
            DATABASE_URLS.put(profile, url);
        }
        return url;
    }

    /**
     * A database of this test run's own, created next to the named one and dropped when the JVM exits: checkouts
     * sharing a PostgreSQL would otherwise migrate one database to their own, different schemas.
     */
    private static String ownDatabase(String named) throws SQLException {
        String name = "brain_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(named)) {
            c.createStatement().execute("create database " + name);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection c = DriverManager.getConnection(named)) {
                c.createStatement().execute("drop database if exists " + name + " with (force)");
            } catch (SQLException e) {
                System.err.println("could not drop test database " + name + ": " + e.getMessage());
            }
        }, "drop-" + name));
        int slash = named.indexOf('/', "jdbc:postgresql://".length());
        int query = named.indexOf('?', slash);
        return named.substring(0, slash + 1) + name + (query < 0 ? "" : named.substring(query));
    }

    /** The profile's variable, else the project-local PostgreSQL, started if need be. */
    private static String namedDatabaseUrl(Profile profile) throws IOException, InterruptedException {
        String fromEnv = System.getenv(profile.databaseUrlVariable());
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        String script = System.getProperty("brain.pgLocal", "../scripts/pg-local.sh");
        Process p = new ProcessBuilder(script, profile.database()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || out.isEmpty()) {
            fail("could not start the project-local PostgreSQL with " + script);
        }
        String[] lines = out.split("\n");
        return lines[lines.length - 1].trim();
    }

    /** An SDK-profile brain: migrates once, provisions a fresh customer, agent and key; does not start serving yet. */
    public static RealBrain provision(Map<String, String> extraEnv) throws Exception {
        return provision(SDK, extraEnv);
    }

    public static RealBrain provision(Profile profile, Map<String, String> extraEnv) throws Exception {
        return provision(profile, extraEnv, false);
    }

    /** As {@link #provision(Map)}, with a key minted with --require-signature. */
    public static RealBrain provisionSigned(Map<String, String> extraEnv) throws Exception {
        return provision(SDK, extraEnv, true);
    }

    private static RealBrain provision(Profile profile, Map<String, String> extraEnv, boolean signed) throws Exception {
        jarOrSkip();
        synchronized (RealBrain.class) {
            if (MIGRATED.add(profile)) {
                cli(profile, "migrate");
            }
        }
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String customer = "cust_" + profile.prefix() + "_" + suffix;
        String agent = "agent_" + profile.prefix() + "_" + suffix;
        cli(profile, "admin", "customer", "add", "--id", customer, "--name", profile.prefix() + " test " + suffix, "--tier", profile.tier());
        if (profile.tierC()) {
            cli(profile, "admin", "customer", "tier-c", "--id", customer, "--enabled", "true");
        }
        cli(profile, "admin", "agent", "add", "--id", agent, "--customer", customer);
        String[] minted = (signed ? cli(profile, "admin", "key", "create", "--agent", agent, "--require-signature")
                : cli(profile, "admin", "key", "create", "--agent", agent)).trim().split("\n");
        return new RealBrain(profile, agent, minted[0].trim(), signed ? minted[1].trim() : null, freePort(), extraEnv);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts serving and waits until /readyz answers 200. */
    public RealBrain start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-jar", jarOrSkip().toString(), "serve");
        pb.environment().put("DATABASE_URL", databaseUrl(profile));
        pb.environment().put("BRAIN_PORT", Integer.toString(port));
        pb.environment().put("BRAIN_LOG_LEVEL", "warn");
        pb.environment().putAll(extraEnv);
        Path log = Paths.get("target", profile.prefix() + "-brain-" + port + ".log");
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
    public void kill() throws InterruptedException {
        if (process != null) {
            // Gone for sure before anything restarts on its port.
            if (!process.destroyForcibly().waitFor(60, TimeUnit.SECONDS)) {
                fail("the brain did not exit within 60 s of SIGKILL");
            }
            process = null;
        }
    }

    /**
     * Sends the brain process a signal: "STOP" leaves it accepting TCP connections (the kernel's
     * backlog completes the handshake) but never answering, like a hung server; "CONT" resumes it.
     */
    public void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            fail("kill -" + name + " of the brain failed");
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

    /** This brain's database, for tests that read more than events (rollups, a full pg_dump). */
    public String databaseUrl() throws IOException, InterruptedException, SQLException {
        return databaseUrl(profile);
    }

    public String agentId() {
        return agentId;
    }

    /** Rows of this agent: [event_id, event_type, session_id, payload text, ts], in ts order. */
    public List<String[]> rows() throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(databaseUrl(profile));
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
        try (Connection c = DriverManager.getConnection(databaseUrl(profile)); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, agentId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String cli(Profile profile, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", jarOrSkip().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("DATABASE_URL", databaseUrl(profile));
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

    public static String javaBin() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The SDK and its test classes, for child processes that use the SDK like an agent would. */
    static String sdkClasspath() {
        return Paths.get("target", "classes").toAbsolutePath() + File.pathSeparator
                + Paths.get("target", "test-classes").toAbsolutePath();
    }

    /**
     * A free port below the kernel's ephemeral range: the brain may be down (not started yet, or killed to be
     * restarted) while tests make outgoing connections, and the kernel gives those their local ports from that range.
     */
    static int freePort() throws IOException {
        int below = ephemeralPortsFrom();
        for (int attempt = 0; attempt < 100 && below > 20_100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, below);
            try (ServerSocket s = new ServerSocket(port)) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // another one
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int ephemeralPortsFrom() {
        try {
            return Integer.parseInt(Files.readString(Paths.get("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException unknown) {
            return 32_768;
        }
    }
}
