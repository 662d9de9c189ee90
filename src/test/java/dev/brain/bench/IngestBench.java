package dev.brain.bench;

import dev.brain.auth.ApiKeys;
import dev.brain.config.Config;
import dev.brain.db.Database;
import dev.brain.ingest.EventStore;
import dev.brain.metrics.Metrics;
import dev.brain.auth.Principal;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * `make bench`: the HTTP ingest path against the direct JDBC ceiling, on one machine.
 *
 * <p>Starts the brain jar as its own process on a fresh database, drives it from N keep-alive
 * HTTP clients with realistic 100-event batches for a fixed time, then writes the same kind of
 * rows with the same SQL over JDBC (no HTTP, no JSON parsing, no validation). Reports events/s,
 * request latency, the ratio, and where the CPU went (brain, PostgreSQL, load generator).
 */
public final class IngestBench {
    private static final String[] TOOLS = {"read_inbox", "search_kb", "send_email", "lookup_order", "create_ticket", "calendar"};
    private static final String[] MODELS = {"claude-sonnet-4-6", "claude-haiku-4-5"};

    public static void main(String[] args) throws Exception {
        int clients = Integer.parseInt(env("BENCH_CLIENTS", "8"));
        int seconds = Integer.parseInt(env("BENCH_SECONDS", "20"));
        // The brain's warm-up is 60 s: a brain runs for days, and on 2 cores its JIT compiler still took 0.30-0.36 cores
        // 5 s in and 0.12-0.19 at 30 s (the CPU line prints it); BENCH_WARMUP_SECONDS=5 measures a cold brain, as the bench
        // did before. The JDBC phases keep 5 s: PostgreSQL has nothing to compile, and with 60 s their figures fell by a
        // fifth (larger tables, and then still the HTTP phase's autovacuum), which would flatter the HTTP path's ratio.
        int warmup = Integer.parseInt(env("BENCH_WARMUP_SECONDS", "60"));
        int jdbcWarmup = Integer.parseInt(env("BENCH_JDBC_WARMUP_SECONDS", "5"));
        int jdbcThreads = Integer.parseInt(env("BENCH_JDBC_THREADS", "2"));
        String jar = new File(env("BENCH_JAR", "target/brain.jar")).getAbsolutePath();
        String base = Config.jdbcUrl(env("BENCH_DATABASE_URL", "jdbc:postgresql://127.0.0.1:55432/postgres?user=brain"));
        System.out.printf("brain %s; PostgreSQL synchronous_commit %s (the brain's sessions: on unless set stronger); load average %s%n",
                jar, setting(base, "synchronous_commit"), loadAverage());
        // 1: HTTP with the analytics rollup job held off; 2: the same rows over JDBC with the brain's own SQL on the
        // schema that run left; 3: the seed schema's naive insert (issue 16's ceiling). Writes against writes.
        // 4: HTTP again with rollups on their default schedule: the whole system.
        String dbUrl = freshDatabase(base, "brain_bench");
        quiesce(base, null);
        HttpResult writesOnly = httpRun(jar, dbUrl, clients, warmup, seconds, "3600", "HTTP, rollups off");
        StorageBytes ours = StorageBytes.of(dbUrl);
        System.out.println("BYTES  : brain schema " + ours.line());
        quiesce(base, dbUrl);
        JdbcResult jdbc = runJdbc(dbUrl, jdbcThreads, jdbcWarmup, seconds);
        System.out.printf("JDBC   : %,.0f events/s (%d threads, the brain's SQL on its schema, batches of 100)%n", jdbc.eventsPerSecond, jdbcThreads);
        System.out.printf("         CPU: postgres %.2f cores, JDBC writer %.2f cores%n", jdbc.cpu.postgres, jdbc.cpu.self);
        String seedUrl = freshDatabase(base, "brain_bench_seed");
        SeedCeiling.create(seedUrl);
        quiesce(base, dbUrl);
        JdbcResult seed = SeedCeiling.run(seedUrl, jdbcThreads, jdbcWarmup, seconds);
        StorageBytes seedBytes = StorageBytes.of(seedUrl);
        System.out.printf("SEED   : %,.0f events/s (%d threads, seed schema + unique event_id, insert ... on conflict (event_id) do nothing, batches of 100)%n",
                seed.eventsPerSecond, jdbcThreads);
        System.out.printf("         CPU: postgres %.2f cores, JDBC writer %.2f cores%n", seed.cpu.postgres, seed.cpu.self);
        System.out.println("BYTES  : seed schema " + seedBytes.line());
        System.out.printf("RATIO  : HTTP path = %.2f x the seed-schema JDBC ceiling, %.2f x the brain-schema JDBC ceiling; bytes/event %.0f%% of the seed schema's%n",
                writesOnly.eventsPerSecond / seed.eventsPerSecond, writesOnly.eventsPerSecond / jdbc.eventsPerSecond,
                100 * ours.total() / seedBytes.total());
        System.out.printf("SUMMARY: http %.0f seed %.0f jdbc %.0f p99 %.1f bytes %.0f seed_bytes %.0f load %s%n", writesOnly.eventsPerSecond,
                seed.eventsPerSecond, jdbc.eventsPerSecond, writesOnly.p99, ours.total(), seedBytes.total(), loadAverage());
        if (!env("BENCH_WITH_ROLLUPS", "true").equals("false")) {
            String again = freshDatabase(base, "brain_bench");
            quiesce(base, seedUrl);
            httpRun(jar, again, clients, warmup, seconds, "10", "HTTP, rollups every 10 s");
        }
    }

    // Each phase starts once the previous phase's rows are vacuumed (millions of inserts trigger autovacuum, which
    // would otherwise run into the next phase and be counted against it): VACUUM that database, then wait for any
    // autovacuum worker still busy (at most 5 minutes); says how long it took.
    static void quiesce(String url, String previous) throws Exception {
        long t0 = System.nanoTime();
        if (previous != null) {
            try (var c = DriverManager.getConnection(previous)) {
                c.createStatement().execute("vacuum");
            }
        }
        try (var c = DriverManager.getConnection(url)) {
            while (System.nanoTime() - t0 < 300_000_000_000L) {
                try (var rs = c.createStatement().executeQuery(
                        "select count(*) from pg_stat_activity where backend_type = 'autovacuum worker' and query <> ''")) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        break;
                    }
                }
                Thread.sleep(1000);
            }
        }
        System.out.printf("         (%.0f s vacuuming the previous phase's rows before this phase)%n", (System.nanoTime() - t0) / 1e9);
    }

    static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    static String setting(String url, String name) throws Exception {
        try (var c = DriverManager.getConnection(url); var rs = c.createStatement().executeQuery("select current_setting('" + name + "')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static HttpResult httpRun(String jar, String dbUrl, int clients, int warmup, int seconds, String rollupInterval, String label)
            throws Exception {
        // The jar under test migrates its own schema (and creates partitions): BENCH_JAR can be an earlier build.
        ProcessBuilder migrate = new ProcessBuilder("java", "-jar", jar, "migrate").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        migrate.environment().put("DATABASE_URL", dbUrl);
        migrate.environment().put("BRAIN_LOG_LEVEL", "warn");
        if (migrate.start().waitFor() != 0) {
            throw new IllegalStateException("brain migrate failed");
        }
        Config config = Config.from(Map.of("DATABASE_URL", dbUrl));
        List<String> keys = new ArrayList<>();
        try (Database db = Database.open(config, 2)) {
            db.jdbi().useHandle(h -> {
                h.execute("insert into customers (id, name, privacy_tier) values ('cust_bench', 'Bench', 'a')");
                for (int i = 0; i < clients; i++) {
                    String secret = ApiKeys.newSecret();
                    h.execute("insert into agents (id, customer_id) values (?, 'cust_bench')", "agent_bench_" + i);
                    h.execute("insert into api_keys (id, agent_id, key_hash) values (?, ?, ?)", ApiKeys.newKeyId(), "agent_bench_" + i, ApiKeys.hash(secret));
                    keys.add(secret);
                }
            });
        }

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("brain-bench", ".log");
        List<String> cmd = new ArrayList<>(List.of("java"));
        String jfr = env("BENCH_JFR", "");
        if (!jfr.isEmpty()) {
            cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=" + env("BENCH_JFR_SETTINGS", "profile"));
        }
        cmd.addAll(List.of("-jar", jar, "serve"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("DATABASE_URL", dbUrl);
        pb.environment().put("BRAIN_PORT", Integer.toString(port));
        pb.environment().put("BRAIN_LOG_LEVEL", "warn");
        pb.environment().put("BRAIN_ROLLUP_INTERVAL_S", rollupInterval);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process server = pb.start();
        try {
            String url = "http://127.0.0.1:" + port;
            waitReady(url);
            System.out.printf("%s: brain pid %d; %d clients x 100-event gzip batches, %ds warm-up + %ds measured%n",
                    label, server.pid(), clients, warmup, seconds);
            HttpResult http = runHttp(url, keys, clients, warmup, seconds, server.pid());
            System.out.printf("HTTP   : %,.0f events/s accepted, %,d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms, non-202 %d%n",
                    http.eventsPerSecond, http.requests, http.p50, http.p99, http.max, http.errors);
            System.out.printf("         CPU: brain %.2f cores (of which JIT compiler %.2f, GC %.2f), postgres %.2f cores, load generator %.2f cores (of %d)%n",
                    http.cpu.brain, http.cpu.jit, http.cpu.gc, http.cpu.postgres, http.cpu.self, Runtime.getRuntime().availableProcessors());
            return http;
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    // postgres: CPU seconds of every postgres process; perPid keeps them per process (empty for a rate), so a
    // difference counts only processes alive at the end: one that ended in between (an autovacuum worker) would
    // otherwise subtract its whole life.
    record Cpu(double brain, double postgres, double self, double jit, double gc, Map<Long, Double> perPid) {
        Cpu(double brain, double postgres, double self, double jit, double gc) {
            this(brain, postgres, self, jit, gc, Map.of());
        }

        double postgresSince(Cpu before) {
            return perPid.entrySet().stream().mapToDouble(e -> e.getValue() - before.perPid.getOrDefault(e.getKey(), 0.0)).sum();
        }
    }

    record HttpResult(double eventsPerSecond, long requests, double p50, double p99, double max, long errors, Cpu cpu) {
    }

    record JdbcResult(double eventsPerSecond, Cpu cpu) {
    }

    static HttpResult runHttp(String url, List<String> keys, int clients, int warmup, int seconds, long brainPid) throws Exception {
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        AtomicLong accepted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        // The measured window's bodies are built and gzipped before the clock starts, so the generator's CPU goes to
        // sending; the warm-up's are built as they go.
        int perClient = Integer.parseInt(env("BENCH_BODIES_PER_CLIENT", Integer.toString(seconds * 60)));
        List<List<byte[]>> prepared = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Random rnd = new Random(c);
            List<byte[]> bodies = new ArrayList<>(perClient);
            for (int i = 0; i < perClient; i++) {
                bodies.add(gzip(batch(rnd, 100)));
            }
            prepared.add(bodies);
        }
        for (int c = 0; c < clients; c++) {
            String key = keys.get(c);
            List<byte[]> bodies = prepared.get(c);
            long[] lat = new long[2_000_000];
            latencies.add(lat);
            int[] n = {0};
            Thread t = new Thread(() -> {
                RawHttp http = new RawHttp(url);
                String headers = "Authorization: Bearer " + key + "\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n";
                Random rnd = new Random();
                int next = 0;
                while (!stop.get()) {
                    byte[] body = measuring.get() && next < bodies.size() ? bodies.get(next++) : gzip(batch(rnd, 100));
                    long t0 = System.nanoTime();
                    try {
                        int status = http.post("/v1/events", headers, body);
                        long dt = System.nanoTime() - t0;
                        if (measuring.get()) {
                            if (status == 202) {
                                accepted.addAndGet(100);
                            } else {
                                errors.incrementAndGet();
                            }
                            if (n[0] < lat.length) {
                                lat[n[0]++] = dt;
                            }
                        }
                    } catch (Exception e) {
                        if (measuring.get()) {
                            errors.incrementAndGet();
                        }
                    }
                }
                lat[lat.length - 1] = n[0];
            });
            threads.add(t);
            t.start();
        }
        Thread.sleep(warmup * 1000L);
        Cpu before = cpu(brainPid);
        long t0 = System.nanoTime();
        measuring.set(true);
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        Cpu after = cpu(brainPid);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        List<Long> all = new ArrayList<>();
        for (long[] lat : latencies) {
            int n = (int) lat[lat.length - 1];
            for (int i = 0; i < n; i++) {
                all.add(lat[i]);
            }
        }
        long[] sorted = all.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        double eps = accepted.get() / elapsed;
        return new HttpResult(eps, sorted.length, pct(sorted, 0.50), pct(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6,
                errors.get(), new Cpu((after.brain - before.brain) / elapsed, after.postgresSince(before) / elapsed,
                (after.self - before.self) / elapsed, (after.jit - before.jit) / elapsed, (after.gc - before.gc) / elapsed));
    }

    static JdbcResult runJdbc(String dbUrl, int threads, int warmup, int seconds) throws Exception {
        Config config = Config.from(Map.of("DATABASE_URL", dbUrl));
        try (Database db = Database.open(config, threads)) {
            EventStore store = new EventStore(db.jdbi(), db.dataSource(), new Metrics());
            return Writers.run(threads, warmup, seconds, thread -> {
                Principal who = new Principal("key_jdbc", "agent_bench_" + thread, "cust_bench", "a", false);
                Random rnd = new Random();
                return () -> {
                    List<EventStore.Row> rows = new ArrayList<>(100);
                    for (int k = 0; k < 100; k++) {
                        String[] e = eventParts(rnd);
                        rows.add(new EventStore.Row(e[0], e[1], e[2], e[3], e[4]));
                    }
                    return store.store(who, rows, List.of(), null).inserted();
                };
            });
        }
    }

    // event_id, ts, type, session_id, payload: 80% session.end with tools and usage, then starts, errors, heartbeats.
    static String[] eventParts(Random rnd) {
        String id = UUID.randomUUID().toString();
        String ts = Instant.now().minusMillis(rnd.nextInt(60_000)).toString();
        String session = "sess_" + Long.toHexString(rnd.nextLong());
        int kind = rnd.nextInt(100);
        String type;
        String payload;
        if (kind < 80) {
            type = "session.end";
            var p = new StringBuilder("{\"status\":\"").append(rnd.nextInt(10) == 0 ? "failed" : "success")
                    .append("\",\"duration_ms\":").append(500 + rnd.nextInt(60_000)).append(",\"tool_calls\":[");
            int calls = 1 + rnd.nextInt(4);
            for (int i = 0; i < calls; i++) {
                p.append(i == 0 ? "" : ",").append("{\"name\":\"").append(TOOLS[rnd.nextInt(TOOLS.length)])
                        .append("\",\"ms\":").append(5 + rnd.nextInt(3000)).append(",\"ok\":").append(rnd.nextInt(20) != 0).append('}');
            }
            p.append("],\"llm_usage\":{\"model\":\"").append(MODELS[rnd.nextInt(MODELS.length)]).append("\",\"input_tokens\":")
                    .append(200 + rnd.nextInt(5000)).append(",\"output_tokens\":").append(50 + rnd.nextInt(800))
                    .append(",\"cost_cents\":").append(rnd.nextInt(300) / 10.0).append("}}");
            payload = p.toString();
        } else if (kind < 92) {
            type = "session.start";
            payload = "{\"category\":\"" + TOOLS[rnd.nextInt(TOOLS.length)] + "_task\",\"source\":\"inbox\"}";
        } else if (kind < 96) {
            type = "error";
            payload = "{\"message\":\"upstream timed out after 30s\",\"kind\":\"TimeoutError\",\"stack_hash\":\"sha256:"
                    + "0123456789abcdef".repeat(4) + "\"}";
            session = null;
        } else {
            type = "heartbeat";
            payload = "{\"agent_version\":\"1.8.2\",\"pid_uptime_s\":" + rnd.nextInt(100_000) + ",\"dropped_events_since_last\":0}";
            session = null;
        }
        return new String[] {id, ts, type, session, payload};
    }

    static byte[] batch(Random rnd, int n) {
        var sb = new StringBuilder(n * 500).append("{\"events\":[");
        for (int i = 0; i < n; i++) {
            String[] e = eventParts(rnd);
            sb.append(i == 0 ? "" : ",").append("{\"event_id\":\"").append(e[0]).append("\",\"ts\":\"").append(e[1])
                    .append("\",\"event_type\":\"").append(e[2]).append('"');
            if (e[3] != null) {
                sb.append(",\"session_id\":\"").append(e[3]).append('"');
            }
            sb.append(",\"payload\":").append(e[4]).append('}');
        }
        return sb.append("],\"sent_at\":\"").append(Instant.now()).append("\"}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] raw) {
        try {
            var out = new ByteArrayOutputStream(raw.length / 4);
            try (var gz = new GZIPOutputStream(out)) {
                gz.write(raw);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // CPU seconds so far: the brain process, every postgres process, and this JVM.
    static Cpu cpu(long brainPid) throws IOException {
        double tick = 100.0;
        double brain = brainPid > 0 ? procCpu(brainPid) / tick : 0;
        Map<Long, Double> perPid = new java.util.HashMap<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) dirs::iterator) {
                String name = p.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    try {
                        if (Files.readString(p.resolve("comm")).trim().startsWith("postgres")) {
                            perPid.put(Long.parseLong(name), procCpu(Long.parseLong(name)) / tick);
                        }
                    } catch (IOException ignored) {
                        // process ended
                    }
                }
            }
        }
        double self = procCpu(ProcessHandle.current().pid()) / tick;
        double pg = perPid.values().stream().mapToDouble(Double::doubleValue).sum();
        return new Cpu(brain, pg, self, brainPid > 0 ? threadsCpu(brainPid, "C1 Compiler", "C2 Compiler") / tick : 0,
                brainPid > 0 ? threadsCpu(brainPid, "GC Thread", "G1 ") / tick : 0, perPid);
    }

    // CPU ticks of the process's threads whose name starts with one of the prefixes (the JIT compiler's, the GC's).
    static long threadsCpu(long pid, String... prefixes) throws IOException {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(t.resolve("comm")).trim();
                    for (String prefix : prefixes) {
                        if (comm.startsWith(prefix)) {
                            sum += statTicks(t.resolve("stat"));
                            break;
                        }
                    }
                } catch (IOException ignored) {
                    // thread ended
                }
            }
        }
        return sum;
    }

    static long procCpu(long pid) throws IOException {
        return statTicks(Path.of("/proc/" + pid + "/stat"));
    }

    // utime + stime of a /proc stat file (a process's or a thread's), in clock ticks.
    private static long statTicks(Path statFile) throws IOException {
        String stat = Files.readString(statFile);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))] / 1e6;
    }

    static void waitReady(String url) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        // Generous: on a loaded machine a cold JVM takes its time, and slow is not broken.
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url + "/readyz")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException ignored) {
                // not up yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("brain did not become ready");
    }

    static String freshDatabase(String base, String name) throws Exception {
        try (var c = DriverManager.getConnection(base)) {
            c.createStatement().execute("drop database if exists " + name + " with (force)");
            c.createStatement().execute("create database " + name);
        }
        return freshDatabaseUrl(base, name);
    }

    static String freshDatabaseUrl(String base, String name) {
        int slash = base.indexOf('/', "jdbc:postgresql://".length());
        int q = base.indexOf('?', slash);
        return base.substring(0, slash + 1) + name + (q < 0 ? "" : base.substring(q));
    }

    static long count(String url, String sql) throws Exception {
        try (var c = DriverManager.getConnection(url); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    static {
        ThreadLocalRandom.current();
    }
}
