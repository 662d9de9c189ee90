package dev.brain.bench;

import com.google.protobuf.util.JsonFormat;
import dev.brain.auth.ApiKeys;
import dev.brain.config.Config;
import dev.brain.db.Database;
import dev.brain.http.Json;
import dev.brain.metrics.Metrics;
import dev.brain.sessions.Fragment;
import dev.brain.sessions.SessionCloser;
import dev.brain.sessions.Sessionizer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * `make bench-otlp`: records/s accepted for Claude Code-shaped OTLP log exports (protobuf and JSON, 512 records per
 * export) against /v1/events events/s (500-event batches, the IngestBench mix), one brain, one run; then the
 * sessionizer's cost of closing 10,000 idle sessions in one job run.
 */
public final class OtlpBench {
    private static final int RECORDS = 512;
    private static final String[] TOOLS = {"Bash", "Read", "Edit", "Grep", "Write", "Agent"};

    public static void main(String[] args) throws Exception {
        int clients = Integer.parseInt(env("BENCH_CLIENTS", "4"));
        int seconds = Integer.parseInt(env("BENCH_SECONDS", "15"));
        int warmup = Integer.parseInt(env("BENCH_WARMUP_SECONDS", "5"));
        String base = Config.jdbcUrl(env("BENCH_DATABASE_URL", "jdbc:postgresql://127.0.0.1:55432/postgres?user=brain"));
        String dbUrl = IngestBench.freshDatabase(base, "brain_bench_otlp");
        List<String> keys = provision(dbUrl, clients);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", new File("target/brain.jar").getAbsolutePath(), "serve");
        pb.environment().putAll(Map.of("DATABASE_URL", dbUrl, "BRAIN_PORT", Integer.toString(port), "BRAIN_LOG_LEVEL", "warn",
                "BRAIN_RATE_LIMIT_RPS", "0", "BRAIN_ROLLUP_INTERVAL_S", "3600", "BRAIN_SESSION_IDLE_S", "86400"));
        pb.redirectErrorStream(true).redirectOutput(Files.createTempFile("brain-bench-otlp", ".log").toFile());
        Process server = pb.start();
        String url = "http://127.0.0.1:" + port;
        try {
            IngestBench.waitReady(url);
            System.out.printf("brain pid %d, %d clients, %ds warm-up + %ds measured per mode, load average before: %s%n",
                    server.pid(), clients, warmup, seconds, loadAverage());
            Random rnd = new Random(1);
            run(url + "/v1/events", keys, "application/json", 202, 500, warmup, seconds, "/v1/events JSON, 500-event batches",
                    () -> IngestBench.batch(rnd, 500), server.pid());
            run(url + "/v1/logs", keys, "application/x-protobuf", 200, RECORDS, warmup, seconds, "OTLP logs protobuf, 512 records",
                    () -> export().toByteArray(), server.pid());
            run(url + "/v1/logs", keys, "application/json", 200, RECORDS, warmup, seconds, "OTLP logs JSON, 512 records",
                    () -> json(export()), server.pid());
        } finally {
            server.destroy();
            server.waitFor();
        }
        closeIdleSessions(dbUrl);
        System.out.printf("load average after: %s%n", loadAverage());
    }

    private static List<String> provision(String dbUrl, int clients) {
        List<String> keys = new ArrayList<>();
        try (Database db = Database.open(Config.from(Map.of("DATABASE_URL", dbUrl)), 2)) {
            db.migrate();
            db.jdbi().useHandle(h -> {
                h.execute("insert into customers (id, name, privacy_tier) values ('cust_bench', 'Bench', 'a')");
                for (int i = 0; i < clients; i++) {
                    String secret = ApiKeys.newSecret();
                    h.execute("insert into agents (id, customer_id) values (?, 'cust_bench')", "agent_bench_" + i);
                    h.execute("insert into api_keys (id, agent_id, key_hash) values (?, ?, ?)", ApiKeys.newKeyId(), "agent_bench_" + i,
                            ApiKeys.hash(secret));
                    keys.add(secret);
                }
            });
            new dev.brain.db.PartitionMaintenance(db.jdbi(), java.time.Clock.systemUTC(), Duration.ofDays(400), 3).runOnce();
        }
        return keys;
    }

    private static void run(String url, List<String> keys, String type, int ok, int perBody, int warmup, int seconds, String label,
                            Supplier<byte[]> body, long brainPid) throws Exception {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong accepted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (String key : keys) {
            long[] lat = new long[1_000_000];
            latencies.add(lat);
            Thread t = new Thread(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                int n = 0;
                while (!stop.get()) {
                    byte[] b;
                    synchronized (body) {
                        b = body.get();
                    }
                    long t0 = System.nanoTime();
                    try {
                        var r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
                                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(b)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (measuring.get()) {
                            if (r.statusCode() == ok) {
                                accepted.addAndGet(perBody);
                            } else {
                                errors.incrementAndGet();
                            }
                            lat[n++] = System.nanoTime() - t0;
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
                lat[lat.length - 1] = n;
            });
            threads.add(t);
            t.start();
        }
        Thread.sleep(warmup * 1000L);
        IngestBench.Cpu before = IngestBench.cpu(brainPid);
        long t0 = System.nanoTime();
        measuring.set(true);
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        IngestBench.Cpu after = IngestBench.cpu(brainPid);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        long[] all = latencies.stream().flatMapToLong(l -> Arrays.stream(l, 0, (int) l[l.length - 1])).sorted().toArray();
        System.out.printf("%-38s: %,8.0f records/s, %,5d requests, p50 %6.1f ms, p99 %6.1f ms, errors %d; CPU brain %.2f, postgres %.2f cores%n",
                label, accepted.get() / elapsed, all.length, IngestBench.pct(all, 0.5), IngestBench.pct(all, 0.99), errors.get(),
                (after.brain() - before.brain()) / elapsed, after.postgresSince(before) / elapsed);
    }

    private static final Random RND = new Random(7);

    // 8 sessions x 64 records, as Claude Code logs them: api_request with usage and cost, tool_result with string fields.
    private static ExportLogsServiceRequest export() {
        var scope = ScopeLogs.newBuilder();
        long now = Instant.now().toEpochMilli() * 1_000_000L;
        for (int s = 0; s < 8; s++) {
            String session = UUID.randomUUID().toString();
            for (int i = 0; i < RECORDS / 8; i++) {
                boolean api = i % 3 == 0;
                var r = LogRecord.newBuilder().setTimeUnixNano(now + i * 1_000_000L).setObservedTimeUnixNano(now + i * 1_000_000L)
                        .setBody(AnyValue.newBuilder().setStringValue(api ? "claude_code.api_request" : "claude_code.tool_result"))
                        .addAttributes(str("event.name", api ? "api_request" : "tool_result")).addAttributes(str("session.id", session))
                        .addAttributes(num("event.sequence", i)).addAttributes(str("user.email", "dev@example.com"))
                        .addAttributes(str("terminal.type", "vscode")).addAttributes(str("prompt.id", UUID.randomUUID().toString()));
                if (api) {
                    r.addAttributes(str("model", "claude-sonnet-4-6")).addAttributes(num("input_tokens", 200 + RND.nextInt(5000)))
                            .addAttributes(num("output_tokens", 50 + RND.nextInt(800))).addAttributes(num("cache_read_tokens", RND.nextInt(20_000)))
                            .addAttributes(num("cache_creation_tokens", RND.nextInt(2000)))
                            .addAttributes(KeyValue.newBuilder().setKey("cost_usd").setValue(AnyValue.newBuilder().setDoubleValue(RND.nextInt(300) / 1000.0)))
                            .addAttributes(num("duration_ms", 300 + RND.nextInt(9000)));
                } else {
                    r.addAttributes(str("tool_name", TOOLS[RND.nextInt(TOOLS.length)])).addAttributes(str("success", RND.nextInt(20) == 0 ? "false" : "true"))
                            .addAttributes(str("duration_ms", Integer.toString(5 + RND.nextInt(3000))));
                }
                scope.addLogRecords(r);
            }
        }
        Resource resource = Resource.newBuilder().addAttributes(str("service.name", "claude-code")).addAttributes(str("service.version", "2.1.332")).build();
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().setResource(resource).addScopeLogs(scope)).build();
    }

    private static byte[] json(ExportLogsServiceRequest r) {
        try {
            return JsonFormat.printer().omittingInsignificantWhitespace().print(r).getBytes(StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyValue str(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    private static KeyValue num(String k, long v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
    }

    // 10,000 idle sessions of 5 records each, then one closing run: the whole job, timed.
    private static void closeIdleSessions(String dbUrl) {
        try (Database db = Database.open(Config.from(Map.of("DATABASE_URL", dbUrl, "BRAIN_DB_SOCKET_TIMEOUT_MS", "600000")), 4)) {
            db.jdbi().useHandle(h -> h.execute("update sessionizer_sessions set closed_at = now() where closed_at is null"));
            var sessionizer = new Sessionizer(db.jdbi(), Json.mapper(), new Metrics());
            Instant t = Instant.now().minusSeconds(120);
            for (int chunk = 0; chunk < 100; chunk++) {
                List<Fragment> fragments = new ArrayList<>();
                for (int s = 0; s < 100; s++) {
                    var session = new Fragment.Session("cust_bench", "agent_bench_0", "idle-" + chunk + "-" + s, "coding", "otlp:bench");
                    for (int i = 0; i < 5; i++) {
                        fragments.add(i % 2 == 0
                                ? Fragment.tool(session, UUID.randomUUID(), t.plusSeconds(i), TOOLS[i], true, 10L)
                                : Fragment.llm(session, UUID.randomUUID(), t.plusSeconds(i), "claude-sonnet-4-6",
                                        new Fragment.Usage(100, 20, 1000, 10, new java.math.BigDecimal("0.5")), 900L));
                    }
                }
                sessionizer.record(fragments);
            }
            long t0 = System.nanoTime();
            var report = new SessionCloser(db.jdbi(), Duration.ZERO, new Metrics()).runOnce();
            System.out.printf("sessionizer: closed %,d idle sessions (%,d session.end written) in one job run: %.0f ms (goal < 2000 ms)%n",
                    report.closed(), report.written(), (System.nanoTime() - t0) / 1e6);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
