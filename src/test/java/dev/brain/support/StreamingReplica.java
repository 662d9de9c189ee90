package dev.brain.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL primary and its streaming replica (pg_basebackup -R), each on its own port in 56100-56199 and its
 * own data directory under /var/tmp, run as the unprivileged postgres user when the tests run as root. The shared
 * test cluster is never touched.
 */
public final class StreamingReplica implements AutoCloseable {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private final Path root;
    private final Path primaryData;
    private final Path replicaData;
    public final int primaryPort;
    public final int replicaPort;

    private StreamingReplica(Path root, int primaryPort, int replicaPort) {
        this.root = root;
        this.primaryData = root.resolve("primary");
        this.replicaData = root.resolve("replica");
        this.primaryPort = primaryPort;
        this.replicaPort = replicaPort;
    }

    public static StreamingReplica start() throws Exception {
        Path root = Path.of("/var/tmp", "brain-replica-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(root);
        int[] ports = freePorts(2);
        var r = new StreamingReplica(root, ports[0], ports[1]);
        try {
            r.run(null, "chown", "postgres", root.toString());
            r.asOwner("initdb", "-D", r.primaryData.toString(), "-U", "brain", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
            r.configure(r.primaryData, r.primaryPort);
            r.pgCtl(r.primaryData, "start");
            r.asOwner("pg_basebackup", "-h", "127.0.0.1", "-p", String.valueOf(r.primaryPort), "-U", "brain",
                    "-D", r.replicaData.toString(), "-R", "-X", "stream", "-c", "fast");
            r.configure(r.replicaData, r.replicaPort);
            r.startReplica();
            return r;
        } catch (Exception | AssertionError e) {
            r.close();
            throw e;
        }
    }

    public String primaryUrl(String db) {
        return "jdbc:postgresql://127.0.0.1:" + primaryPort + "/" + db + "?user=brain";
    }

    public String replicaUrl(String db) {
        return "jdbc:postgresql://127.0.0.1:" + replicaPort + "/" + db + "?user=brain";
    }

    /** Stops applying WAL on the replica: from now on it lags behind the primary until resumed. */
    public void pauseReplay() throws SQLException {
        onReplica("select pg_wal_replay_pause()");
    }

    public void resumeReplay() throws SQLException {
        onReplica("select pg_wal_replay_resume()");
    }

    public void stopReplica() throws Exception {
        pgCtl(replicaData, "stop", "-m", "fast");
    }

    public void startReplica() throws Exception {
        pgCtl(replicaData, "start");
        Await.until("the replica accepts connections", () -> {
            try (Connection c = DriverManager.getConnection(replicaUrl("postgres"))) {
                return c.isValid(5);
            } catch (SQLException e) {
                return false;
            }
        });
    }

    private void onReplica(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(replicaUrl("postgres"))) {
            c.createStatement().execute(sql);
        }
    }

    private void configure(Path data, int port) throws Exception {
        String conf = "\nlisten_addresses = '127.0.0.1'\nport = " + port + "\nunix_socket_directories = '" + data
                + "'\nmax_connections = 100\nshared_buffers = 32MB\nhot_standby = on\n";
        Path file = data.resolve("postgresql.conf");
        if (ROOT) {
            run(conf, "runuser", "-u", "postgres", "--", "tee", "-a", file.toString());
        } else {
            Files.writeString(file, conf, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        }
    }

    private void pgCtl(Path data, String action, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("pg_ctl", "-D", data.toString(), "-w", "-t", "120", "-l",
                data.resolve("server.log").toString(), action));
        args.addAll(List.of(more));
        asOwner(args.toArray(String[]::new));
    }

    private void asOwner(String... command) throws Exception {
        List<String> args = new ArrayList<>();
        if (ROOT) {
            args.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        args.add(bin().resolve(command[0]).toString());
        args.addAll(List.of(command).subList(1, command.length));
        run(null, args.toArray(String[]::new));
    }

    private void run(String stdin, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }

    private static Path bin() throws IOException {
        String fromEnv = System.getenv("PGBIN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.max(Comparator.comparing(v -> Integer.parseInt(v.getFileName().toString())))
                    .orElseThrow(() -> new AssertionError("no PostgreSQL under /usr/lib/postgresql")).resolve("bin");
        }
    }

    private static int[] freePorts(int n) {
        int[] ports = new int[n];
        int found = 0;
        int start = 56100 + (int) (Math.random() * 100);
        for (int i = 0; i < 100 && found < n; i++) {
            int port = 56100 + (start - 56100 + i) % 100;
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                ports[found++] = s.getLocalPort();
            } catch (IOException taken) {
                // next one
            }
        }
        if (found < n) {
            throw new AssertionError("no free port in 56100-56199");
        }
        return ports;
    }

    @Override
    public void close() throws Exception {
        for (Path data : List.of(replicaData, primaryData)) {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                try {
                    pgCtl(data, "stop", "-m", "immediate");
                } catch (Exception | AssertionError ignored) {
                    // best effort: the directory goes anyway
                }
            }
        }
        run(null, "rm", "-rf", root.toString());
    }
}
