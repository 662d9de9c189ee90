package dev.brain.bench;

import dev.brain.Server;
import dev.brain.analytics.RollupJob;
import dev.brain.auth.KeyDao;
import dev.brain.config.Config;
import dev.brain.metrics.Metrics;
import dev.brain.sessions.SessionCloser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * `make bench`, issue 12's section: the same sessions sent as one session.end each (5 tool calls and 2 models
 * embedded), as granular events (session.start, 5 tool.call, 2 llm.call, session.end), and as steps only (5 tool.call,
 * 2 llm.call: the sessionizer assembles them), through POST /v1/events in the same run; then the sessionizer's closing
 * of the assembled sessions, and the rollup fold of each: what granular sessions cost against whole ones.
 */
public final class DialectsBench {
    private enum Mode {
        SESSION(1), GRANULAR(9), STEPS(7);

        final int perSession;

        Mode(int perSession) {
            this.perSession = perSession;
        }

        String label() {
            return name().toLowerCase();
        }
    }

    public static void main(String[] args) throws Exception {
        int clients = Integer.parseInt(env("BENCH_CLIENTS", "8"));
        int seconds = Integer.parseInt(env("BENCH_DIALECT_SECONDS", "15"));
        String base = Config.jdbcUrl(env("BENCH_DATABASE_URL", "jdbc:postgresql://127.0.0.1:55432/postgres?user=brain"));
        System.out.println("== issue 12: granular events vs session events, same run; load average " + load());
        for (Mode mode : Mode.values()) {
            String url = IngestBench.freshDatabase(base, "brain_bench_dialects");
            try (Server server = Server.start(Config.from(Map.of("DATABASE_URL", url, "BRAIN_PORT", "0", "BRAIN_ROLLUP_INTERVAL_S", "3600",
                    "BRAIN_RATE_LIMIT_RPS", "1000000", "BRAIN_RATE_LIMIT_BURST", "1000000", "BRAIN_DB_SOCKET_TIMEOUT_MS", "120000")))) {
                String key = server.db().jdbi().withHandle(h -> {
                    h.execute("insert into customers (id, name, privacy_tier) values ('cust_bench', 'Bench', 'a')");
                    h.execute("insert into agents (id, customer_id) values ('agent_bench', 'cust_bench')");
                    return h.attach(KeyDao.class).issue("agent_bench", "bench").secret();
                });
                run(server.port(), key, clients, 3, mode);
                AtomicLong sessions = new AtomicLong();
                long started = System.nanoTime();
                run(server.port(), key, clients, seconds, mode, sessions);
                double secs = (System.nanoTime() - started) / 1e9;
                long events = sessions.get() * mode.perSession;
                System.out.printf("%-9s: %,8.0f events/s = %,7.0f sessions/s (%d clients, batches of ~100 events, %d s)%n",
                        mode.label(), events / secs, sessions.get() / secs, clients, seconds);
                if (mode == Mode.STEPS) {
                    // Every assembled session is idle at once: the closing job's whole cost, run after run until none is left.
                    long closeStart = System.nanoTime();
                    long closed = 0;
                    SessionCloser.Report c;
                    do {
                        c = new SessionCloser(server.db().jdbi(), Duration.ZERO, new Metrics()).runOnce();
                        closed += c.closed();
                    } while (c.closed() > 0);
                    double closeMs = (System.nanoTime() - closeStart) / 1e6;
                    System.out.printf("%-9s  close: %,d assembled sessions closed in %,.0f ms = %.1f µs per session%n", "",
                            closed, closeMs, 1000 * closeMs / Math.max(1, closed));
                }
                // The server's own start-up fold may hold the lock: ours is the one that reads this run's events.
                RollupJob.Report r;
                double foldMs;
                do {
                    long foldStart = System.nanoTime();
                    r = new RollupJob(server.db().jdbi()).runOnce();
                    foldMs = (System.nanoTime() - foldStart) / 1e6;
                } while (!r.ran() || r.events() == 0);
                System.out.printf("%-9s  fold: %,d events in %,.0f ms = %.1f µs per session%n", "",
                        r.events(), foldMs, 1000 * foldMs / Math.max(1, sessions.get()));
            }
        }
    }

    private static void run(int port, String key, int clients, int seconds, Mode mode) throws Exception {
        run(port, key, clients, seconds, mode, new AtomicLong());
    }

    private static void run(int port, String key, int clients, int seconds, Mode mode, AtomicLong sessions) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread th = new Thread(() -> {
                while (System.nanoTime() < until) {
                    int perBatch = 100 / mode.perSession;
                    String body = batch(mode, perBatch);
                    try {
                        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() == 202) {
                            sessions.addAndGet(perBatch);
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private static String batch(Mode mode, int sessions) {
        StringBuilder b = new StringBuilder("{\"events\":[");
        Instant now = Instant.now();
        for (int s = 0; s < sessions; s++) {
            String sid = "sess_" + UUID.randomUUID();
            if (mode != Mode.SESSION) {
                if (mode == Mode.GRANULAR) {
                    e(b, now, "session.start", sid, "{\"category\":\"bench\"}");
                }
                for (int t = 0; t < 5; t++) {
                    e(b, now, "tool.call", sid, "{\"name\":\"tool_" + t + "\",\"ms\":" + (50 + t * 40) + ",\"ok\":true}");
                }
                e(b, now, "llm.call", sid, "{\"model\":\"claude-sonnet-4-6\",\"input_tokens\":1200,\"output_tokens\":300,\"latency_ms\":900}");
                e(b, now, "llm.call", sid, "{\"model\":\"claude-haiku-4-5\",\"input_tokens\":400,\"output_tokens\":80,\"latency_ms\":300}");
                if (mode == Mode.GRANULAR) {
                    e(b, now, "session.end", sid, "{\"status\":\"success\",\"duration_ms\":4000}");
                }
            } else {
                StringBuilder tools = new StringBuilder();
                for (int t = 0; t < 5; t++) {
                    tools.append(t == 0 ? "" : ",").append("{\"name\":\"tool_").append(t).append("\",\"ms\":").append(50 + t * 40).append(",\"ok\":true}");
                }
                e(b, now, "session.end", sid, "{\"status\":\"success\",\"duration_ms\":4000,\"tool_calls\":[" + tools + "],\"llm_usage\":["
                        + "{\"model\":\"claude-sonnet-4-6\",\"input_tokens\":1200,\"output_tokens\":300,\"latency_ms\":900},"
                        + "{\"model\":\"claude-haiku-4-5\",\"input_tokens\":400,\"output_tokens\":80,\"latency_ms\":300}]}");
            }
        }
        b.setLength(b.length() - 1);
        return b.append("]}").toString();
    }

    private static void e(StringBuilder b, Instant ts, String type, String sid, String payload) {
        b.append("{\"event_id\":\"").append(UUID.randomUUID()).append("\",\"ts\":\"").append(ts).append("\",\"event_type\":\"")
                .append(type).append("\",\"session_id\":\"").append(sid).append("\",\"payload\":").append(payload).append("},");
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
