package dev.brain.bench;

import dev.brain.Server;
import dev.brain.admin.AdminCli;
import dev.brain.config.Config;
import dev.brain.redact.ScrubberRedactor;
import dev.brain.support.FakeAnthropic;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * `make bench-redaction`: redaction throughput against a stand-in Anthropic answering in 300 ms,
 * and ingest p99 with no redaction (tier a) vs a redactor that takes 10 s (tier b).
 */
public final class RedactionBench {
    public static void main(String[] args) throws Exception {
        String base = Config.jdbcUrl(System.getenv().getOrDefault("BENCH_DATABASE_URL", "jdbc:postgresql://127.0.0.1:55432/postgres?user=brain"));
        int n = Integer.parseInt(System.getenv().getOrDefault("BENCH_SUMMARIES", "400"));
        try (FakeAnthropic anthropic = new FakeAnthropic()) {
            anthropic.answer(body -> FakeAnthropic.slow(300, FakeAnthropic.text("Handled a billing dispute; refund issued.")));
            try (Server server = start(base, "brain_bench_redact", anthropic.baseUrl())) {
                String key = keyFor(server, "b");
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i += 50) {
                    post(server, key, batch(50));
                }
                String url = IngestBench.freshDatabaseUrl(base, "brain_bench_redact");
                while (IngestBench.count(url, "select count(*) from events where summary_redacted is not null or payload ? 'summary_failed'") < n) {
                    Thread.sleep(20);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                long failed = IngestBench.count(url, "select count(*) from events where payload ? 'summary_failed'");
                System.out.printf("redaction: %d summaries in %.1f s = %.1f summaries/s at the default concurrency (%d), fake Anthropic 300 ms, %d failed%n",
                        n, s, n / s, Config.from(Map.of()).redactionConcurrency(), failed);
            }
            anthropic.answer(body -> FakeAnthropic.slow(10_000, FakeAnthropic.text("late")));
            try (Server server = start(base, "brain_bench_redact_p99", anthropic.baseUrl())) {
                String keyA = keyFor(server, "a");
                String keyB = keyFor(server, "b");
                for (int i = 0; i < 200; i++) {
                    post(server, keyA, batch(1));
                }
                double[] a = latencies(server, keyA, 500);
                double[] b = latencies(server, keyB, 500);
                System.out.printf("ingest, 1-event requests with a summary: tier a (no redaction) p50 %.2f ms p99 %.2f ms; "
                        + "tier b with a 10 s redactor p50 %.2f ms p99 %.2f ms%n", a[0], a[1], b[0], b[1]);
            }
        }
        System.exit(0);
    }

    private static Server start(String base, String db, String anthropicUrl) throws Exception {
        String url = IngestBench.freshDatabase(base, db);
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", url);
        env.put("BRAIN_PORT", "0");
        env.put("BRAIN_LOG_LEVEL", "error");
        env.put("BRAIN_RATE_LIMIT_RPS", "0");
        env.put("ANTHROPIC_API_KEY", "sk-bench");
        env.put("BRAIN_ANTHROPIC_BASE_URL", anthropicUrl);
        env.put("BRAIN_REDACTION_DRAIN_S", "0");
        return Server.start(Config.from(env));
    }

    private static String keyFor(Server server, String tier) {
        var out = new ByteArrayOutputStream();
        var cli = AdminCli.from(server.db().jdbi(), ScrubberRedactor::new, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()));
        cli.run(new String[] {"admin", "customer", "add", "--id", "cust_" + tier, "--name", tier, "--tier", tier});
        cli.run(new String[] {"admin", "agent", "add", "--id", "agent_" + tier, "--customer", "cust_" + tier});
        cli.run(new String[] {"admin", "key", "create", "--agent", "agent_" + tier});
        return out.toString(StandardCharsets.UTF_8).trim();
    }

    private static String batch(int n) {
        var sb = new StringBuilder("{\"events\":[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"event_id\":\"").append(UUID.randomUUID()).append("\",\"ts\":\"").append(Instant.now())
                    .append("\",\"event_type\":\"session.end\",\"session_id\":\"s\",\"payload\":{\"status\":\"success\",")
                    .append("\"summary_raw\":\"Refunded Jane Doe (jane@example.com) for order #48213 after a billing dispute\"}}");
        }
        return sb.append("]}").toString();
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static void post(Server server, String key, String body) throws Exception {
        var r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/events"))
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException(r.statusCode() + " " + r.body());
        }
    }

    private static double[] latencies(Server server, String key, int n) throws Exception {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            post(server, key, batch(1));
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return new double[] {ms[n / 2], ms[(int) (n * 0.99)]};
    }
}
