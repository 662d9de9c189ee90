package dev.brain.bench;

import com.sun.net.httpserver.HttpServer;
import dev.brain.Server;
import dev.brain.alerts.AlertEngine;
import dev.brain.alerts.Alerts;
import dev.brain.auth.ApiKeys;
import dev.brain.config.Config;
import dev.brain.db.Database;
import dev.brain.http.Json;
import dev.brain.metrics.Metrics;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * `make bench-alerts`: rollups for 500 customers x 10 agents x 90 days written directly (the analytics bench's shape,
 * without the 10M raw events), then one evaluation of every alert rule timed (the first, which opens alerts, and
 * steady ones, with each rule's share), then ingest throughput over HTTP alone, with the rules evaluating back to back beside
 * it, and with an evaluation every 5 s.
 */
public final class AlertsBench {
    private static final String SEED = """
            insert into customers (id, name, privacy_tier) select 'cust_' || lpad(c::text, 3, '0'), 'Customer ' || c, 'a' from generate_series(1, 500) c;
            insert into agents (id, customer_id) select 'agent_' || c || '_' || a, 'cust_' || lpad(c::text, 3, '0')
              from generate_series(1, 500) c, generate_series(1, 10) a;
            insert into rollup_customer_daily (customer_id, day, sessions, success, failed, escalated, errors, cost_cents, input_tokens, output_tokens)
              select x.cust, x.day, s.n, s.n - f.failed - f.escalated, f.failed, f.escalated, f.failed, s.n * (0.7 + random() * 0.2), s.n * 900, s.n * 80
              from (select 'cust_' || lpad(c::text, 3, '0') as cust, d::date as day
                    from generate_series(1, 500) c, generate_series(current_date - 89, current_date, interval '1 day') d) x,
              lateral (select case when extract(isodow from x.day) >= 6 then 20 else 100 end + (random() * 20)::int as n) s,
              lateral (select (s.n * (0.05 + random() * 0.03))::int as failed, (s.n * 0.02 * random())::int as escalated) f;
            insert into rollup_tool_daily (customer_id, day, tool, bucket_ms, calls, failures)
              select x.cust, x.day, 'tool_' || t, b, k.calls, (k.calls * random() * 0.1)::int
              from (select 'cust_' || lpad(c::text, 3, '0') as cust, d::date as day
                    from generate_series(1, 500) c, generate_series(current_date - 89, current_date, interval '1 day') d) x,
              generate_series(1, 10) t, unnest(array[100, 250, 1000, 4000]::numeric[]) b,
              lateral (select (5 + random() * 20 + t * 0)::int as calls) k;
            insert into rollup_tool_calls_daily (customer_id, day, tool, calls, failures)
              select customer_id, day, tool, sum(calls), sum(failures) from rollup_tool_daily group by 1, 2, 3;
            insert into rollup_agent_seen (agent_id, customer_id, last_ts)
              select id, customer_id, now() - case when random() < 0.02 then interval '3 hours' else random() * interval '30 minutes' end from agents;
            insert into rollup_agent_dropped_hourly (agent_id, customer_id, hour, heartbeats, dropped)
              select a.id, a.customer_id, h, 12, case when random() < 0.001 then 5 else 0 end
              from agents a, generate_series(date_trunc('hour', now(), 'UTC') - interval '47 hours', date_trunc('hour', now(), 'UTC'), interval '1 hour') h;
            insert into rollup_error_hourly (customer_id, stack_hash, hour, errors)
              select 'cust_' || lpad(c::text, 3, '0'), 'sha256:' || md5(c || '/' || e) || md5(e || '/' || c), d + (e % 12) * interval '1 hour' + k * interval '6 hours', 1 + (random() * 3)::int
              from generate_series(1, 500) c, generate_series(1, 10) e, generate_series(0, 1) k,
                   generate_series(date_trunc('day', now(), 'UTC') - interval '89 days', date_trunc('day', now(), 'UTC') - interval '1 day', interval '1 day') d;
            insert into rollup_session_tool_calls (customer_id, session_id, agent_id, last_ts, calls)
              select 'cust_' || lpad(c::text, 3, '0'), 's_' || c || '_' || s, 'agent_' || c || '_1', now() - s * interval '3 minutes', 10 + (random() * 41)::int
              from generate_series(1, 500) c, generate_series(1, 350) s;
            """;

    public static void main(String[] args) throws Exception {
        String base = Config.jdbcUrl(System.getenv().getOrDefault("BENCH_DATABASE_URL", "jdbc:postgresql://127.0.0.1:55432/postgres?user=brain"));
        String name = "brain_bench_alerts";
        String url = base.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
        try (Connection c = DriverManager.getConnection(base)) {
            c.createStatement().execute("drop database if exists " + name + " with (force)");
            c.createStatement().execute("create database " + name);
        }
        HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sink.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        sink.start();
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", url, "BRAIN_PORT", "0", "BRAIN_HOST", "127.0.0.1",
                "BRAIN_ALERT_INTERVAL_S", "86400", "BRAIN_RATE_LIMIT_RPS", "0", "BRAIN_DB_SOCKET_TIMEOUT_MS", "600000",
                "BRAIN_ALERT_WEBHOOK_URL", "http://127.0.0.1:" + sink.getAddress().getPort() + "/hook"));
        Config config = Config.from(env);
        try {
            run(config, env);
        } finally {
            sink.stop(0);
        }
    }

    private static void run(Config config, Map<String, String> env) throws Exception {
        try (Database db = Database.open(config, 4)) {
            db.migrate();
            long t = System.nanoTime();
            for (String statement : SEED.split(";\n")) {
                if (!statement.isBlank()) {
                    db.jdbi().useHandle(h -> h.execute(statement));
                }
            }
            db.jdbi().useHandle(h -> h.execute("vacuum analyze"));
            System.out.printf("rollups written in %.1f s:%n", (System.nanoTime() - t) / 1e9);
            db.jdbi().useHandle(h -> h.createQuery("select relname, n_live_tup from pg_stat_user_tables where relname like 'rollup_%'"
                            + " and n_live_tup > 0 order by relname")
                    .map((rs, ctx) -> String.format("  %-28s %,10d rows", rs.getString(1), rs.getLong(2))).forEach(System.out::println));

            try (Alerts alerts = Alerts.start(db.jdbi(), config.alerting(), Json.mapper(), new Metrics(), Clock.systemUTC())) {
                AlertEngine.Report first = alerts.engine().runOnce();
                System.out.printf("first evaluation of all rules: %d ms (opened %d alerts, queued %d notifications) — load average %.1f%n",
                        first.millis(), first.fired(), first.queued(), load());
                System.out.printf("  per rule: %s ms%n", first.ruleMillis());
                List<Long> steady = new ArrayList<>();
                Map<String, List<Long>> perRule = new java.util.LinkedHashMap<>();
                for (int i = 0; i < 7; i++) {
                    AlertEngine.Report r = alerts.engine().runOnce();
                    steady.add(r.millis());
                    r.ruleMillis().forEach((rule, ms) -> perRule.computeIfAbsent(rule, k -> new ArrayList<>()).add(ms));
                }
                System.out.printf("steady evaluations of all rules: %s ms (median %d ms) — load average %.1f%n", steady,
                        median(steady), load());
                perRule.forEach((rule, ms) -> System.out.printf("  %-26s median %4d ms %s%n", rule, median(ms), ms));
                db.jdbi().useHandle(h -> h.createQuery("select rule, count(*) from alerts where state = 'firing' group by 1 order by 1")
                        .map((rs, ctx) -> String.format("  firing %-26s %,6d", rs.getString(1), rs.getLong(2))).forEach(System.out::println));

                // The first evaluation queued a notification per alert: the sender drains them before ingest is measured.
                long drain = System.nanoTime();
                long pending = 1;
                while (pending > 0 && System.nanoTime() - drain < 600_000_000_000L) {
                    Thread.sleep(500);
                    pending = db.jdbi().withHandle(h -> h.createQuery("select count(*) from alert_notifications where state = 'pending'")
                            .mapTo(Long.class).one());
                }
                System.out.printf("waited %.1f s more for the queued notifications to reach the local sink (%d still pending)%n", (System.nanoTime() - drain) / 1e9, pending);
                env.put("BRAIN_ALERT_WEBHOOK_URL", "");
                try (Server server = Server.start(Config.from(env))) {
                    String key = key(db);
                    throughput(server, key, null, 0, "ingest alone (warm-up)");
                    throughput(server, key, null, 0, "ingest alone (warm-up)");
                    // A-B-C-A-C-B-A: a drift of the machine (warm-up, other users) weighs on each variant alike.
                    double alone = throughput(server, key, null, 0, "ingest alone");
                    double beside = throughput(server, key, alerts, 0, "ingest + rules evaluated back to back");
                    double every5s = throughput(server, key, alerts, 5_000, "ingest + rules every 5 s");
                    alone += throughput(server, key, null, 0, "ingest alone");
                    every5s += throughput(server, key, alerts, 5_000, "ingest + rules every 5 s");
                    beside += throughput(server, key, alerts, 0, "ingest + rules evaluated back to back");
                    alone += throughput(server, key, null, 0, "ingest alone");
                    double mean = alone / 3;
                    System.out.printf("ingest alone %,.0f events/s; effect (means against it): rules back to back %+.1f %%,"
                            + " every 5 s (12x the default BRAIN_ALERT_INTERVAL_S=60) %+.1f %%%n", mean, 100 * (beside / 2 / mean - 1),
                            100 * (every5s / 2 / mean - 1));
                }
            }
        }
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    // 4 clients posting 100-event batches for 15 s; with `alerts`, a thread evaluates every rule again as soon as it finishes
    // (periodMs 0) or starts an evaluation every periodMs.
    private static double throughput(Server server, String key, Alerts alerts, long periodMs, String label) throws Exception {
        var http = HttpClient.newHttpClient();
        AtomicBoolean on = new AtomicBoolean(true);
        AtomicLong events = new AtomicLong();
        AtomicLong evaluations = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            threads.add(started(() -> {
                while (on.get()) {
                    var batch = new StringBuilder("{\"events\":[");
                    for (int i = 0; i < 100; i++) {
                        batch.append(i == 0 ? "" : ",").append("{\"event_id\":\"").append(UUID.randomUUID()).append("\",\"ts\":\"")
                                .append(Instant.now()).append("\",\"event_type\":\"session.start\",\"session_id\":\"b").append(i)
                                .append("\",\"payload\":{\"category\":\"bench\"}}");
                    }
                    var req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/events"))
                            .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(batch.append("]}").toString())).build();
                    try {
                        if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 202) {
                            events.addAndGet(100);
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            }));
        }
        if (alerts != null) {
            threads.add(started(() -> {
                while (on.get()) {
                    long next = System.currentTimeMillis() + periodMs;
                    alerts.engine().runOnce();
                    evaluations.incrementAndGet();
                    while (on.get() && System.currentTimeMillis() < next) {
                        sleep(Math.min(100, next - System.currentTimeMillis()));
                    }
                }
            }));
        }
        Thread.sleep(15_000);
        on.set(false);
        for (Thread th : threads) {
            th.join();
        }
        double rate = events.get() / 15.0;
        System.out.printf("%-42s %,9.0f events/s%s — load average %.1f%n", label, rate,
                alerts == null ? "" : " (" + evaluations.get() + " evaluations)", load());
        return rate;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(Math.max(0, ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread started(Runnable r) {
        Thread t = new Thread(r);
        t.start();
        return t;
    }

    private static String key(Database db) {
        String secret = ApiKeys.newSecret();
        db.jdbi().useHandle(h -> {
            h.execute("insert into customers (id, name, privacy_tier) values ('cust_bench', 'Bench', 'a')");
            h.execute("insert into agents (id, customer_id) values ('agent_bench', 'cust_bench')");
            h.execute("insert into api_keys (id, agent_id, key_hash) values (?, 'agent_bench', ?)", ApiKeys.newKeyId(), ApiKeys.hash(secret));
        });
        return secret;
    }
}
