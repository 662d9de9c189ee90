package dev.brain.bench;

import dev.brain.Server;
import dev.brain.analytics.Chromium;
import dev.brain.analytics.RollupJob;
import dev.brain.auth.ApiKeys;
import dev.brain.config.Config;
import dev.brain.customer.CustomerSnapshots;
import dev.brain.db.Database;
import dev.brain.db.PartitionMaintenance;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * `make bench-analytics`: COPY N events (default 10M) over 90 days for 50 customers and 500 agents
 * into a database of its own, build the rollups from nothing, measure an incremental refresh and the
 * freshness lag through HTTP, then time every analytics endpoint (all customers, and one) warm.
 * BENCH_REUSE=1 keeps an already loaded database.
 */
public final class AnalyticsBench {
    private static final int CUSTOMERS = 50;
    private static final int AGENTS_PER_CUSTOMER = 10;
    private static final String[] CATEGORIES = {"Email Reply", "email-reply", "support triage", "Support_Triage", "billing",
        "research", "Lead Qualification", "calendar", "data entry", "code review", "onboarding", "refunds"};
    private static final String[] TOOLS = {"read_inbox", "search_kb", "send_email", "lookup_order", "create_ticket",
        "calendar", "crm_update", "web_search", "run_sql", "summarise"};
    private static final String TOKEN = "bench-admin-token";
    private static final String SCREENSHOT_CUSTOMER = System.getenv().getOrDefault("BENCH_SCREENSHOT_CUSTOMER", "cust_03");
    private static final String[] ERROR_KINDS = {"timeout", "rate_limited", "tool_error"};
    private static final String[] ERROR_MESSAGES = {"upstream timed out", "429 from the CRM API", "lookup_order: no such order"};

    public static void main(String[] args) throws Exception {
        long events = Long.parseLong(env("BENCH_EVENTS", "10000000"));
        String base = Config.jdbcUrl(env("BENCH_DATABASE_URL", "jdbc:postgresql://127.0.0.1:55432/postgres?user=brain"));
        String name = env("BENCH_DB_NAME", "brain_bench_analytics");
        String url = base.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
        boolean reuse = env("BENCH_REUSE", "0").equals("1") && exists(base, name);
        if (!reuse) {
            try (Connection c = DriverManager.getConnection(base)) {
                c.createStatement().execute("drop database if exists " + name + " with (force)");
                c.createStatement().execute("create database " + name);
            }
        }
        Config config = Config.from(Map.of("DATABASE_URL", url, "BRAIN_PORT", "0", "BRAIN_HOST", "127.0.0.1",
                "BRAIN_ADMIN_TOKEN", TOKEN, "BRAIN_ROLLUP_INTERVAL_S", "10", "BRAIN_LOG_LEVEL", "warn",
                // A vacuum or a 10M-event rollup build outlasts the default 10 s socket timeout on a loaded machine.
                "BRAIN_DB_SOCKET_TIMEOUT_MS", "600000"));
        try (Database db = Database.open(config, 2)) {
            db.migrate();
            new PartitionMaintenance(db.jdbi(), Clock.systemUTC(), Duration.ofDays(400), 3).runOnce();
            if (!reuse) {
                load(url, events);
            }
            db.jdbi().useHandle(h -> h.execute("vacuum analyze events"));
            long total = db.jdbi().withHandle(h -> h.createQuery("select count(*) from events").mapTo(Long.class).one());
            System.out.printf("events in the database: %,d%n", total);

            if (!reuse) {
                db.jdbi().useHandle(h -> h.execute("truncate rollup_customer_daily, rollup_category_daily, rollup_tool_daily, rollup_tool_calls_daily, rollup_agent_seen, rollup_agent_daily, "
                        + "rollup_model_agent_daily, rollup_error_daily, rollup_agent_version, rollup_model_daily, rollup_business_daily, "
                        + "rollup_decision_daily, rollup_agent_dropped_hourly, rollup_error_hourly, rollup_session_tool_calls, "
                        + "billing_adjustments, billing_usage, billing_months; "
                        + "update rollup_state set last_id = 0"));
            }
            long t0 = System.nanoTime();
            RollupJob.Report full = new RollupJob(db.jdbi()).runOnce();
            System.out.printf("rollup build from the watermark: %,d events in %.1f s (%,.0f events/s)%n", full.events(),
                    (System.nanoTime() - t0) / 1e9, full.events() / Math.max(1e-9, (System.nanoTime() - t0) / 1e9));
            db.jdbi().useHandle(h -> h.execute("vacuum analyze rollup_customer_daily, rollup_category_daily, rollup_tool_daily, rollup_agent_seen, "
                    + "rollup_agent_daily, rollup_model_agent_daily, rollup_error_daily, rollup_agent_version"));
            long s0 = System.nanoTime();
            new CustomerSnapshots(db.jdbi(), 3).runOnce();
            System.out.printf("customer snapshots (health today, months closed): %.1f s%n", (System.nanoTime() - s0) / 1e9);
            db.jdbi().useHandle(h -> h.createQuery("""
                    select relname, n_live_tup from pg_stat_user_tables where relname like 'rollup_%' order by relname""")
                    .map((rs, ctx) -> String.format("  %-24s %,10d rows", rs.getString(1), rs.getLong(2))).forEach(System.out::println));

            try (Server server = Server.start(config)) {
                String key = keyFor(db, "agent_bench_probe");
                incremental(server, key);
                freshness(server, key);
                endpoints(server);
                screenshot(server);
            }
        }
    }

    // A 10k-event ingest burst through HTTP, then one rollup run: what the scheduled job pays per refresh.
    private static void incremental(Server server, String key) throws Exception {
        var job = new RollupJob(server.db().jdbi());
        job.runOnce();
        for (int i = 0; i < 100; i++) {
            List<String> batch = new ArrayList<>();
            for (int j = 0; j < 100; j++) {
                String ts = Instant.now().toString();
                batch.add("{\"event_id\":\"" + UUID.randomUUID() + "\",\"ts\":\"" + ts + "\",\"event_type\":\"session.end\",\"session_id\":\"s" + j
                        + "\",\"payload\":{\"status\":\"success\",\"tool_calls\":[{\"name\":\"search_kb\",\"ms\":120,\"ok\":true}],"
                        + "\"llm_usage\":{\"model\":\"m\",\"input_tokens\":900,\"output_tokens\":80,\"cost_cents\":0.7}}}");
            }
            post(server, key, "{\"events\":[" + String.join(",", batch) + "]}");
        }
        RollupJob.Report r = job.runOnce();
        System.out.printf("incremental refresh: %,d new events folded in %d ms (an idle run: %d ms)%n", r.events(), r.millis(),
                job.runOnce().millis());
    }

    // Time from a 202 to the event showing in /v1/analytics/engagement, with the job on its 10 s schedule.
    private static void freshness(Server server, String key) throws Exception {
        List<Long> lags = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long before = sessionsToday(server);
            String ev = "{\"event_id\":\"" + UUID.randomUUID() + "\",\"ts\":\"" + Instant.now() + "\",\"event_type\":\"session.start\","
                    + "\"session_id\":\"fresh" + i + "\",\"payload\":{\"category\":\"probe\"}}";
            post(server, key, ev);
            long sent = System.nanoTime();
            while (sessionsToday(server) == before) {
                Thread.sleep(100);
            }
            lags.add((System.nanoTime() - sent) / 1_000_000);
        }
        System.out.printf("freshness lag (202 -> visible, job every 10 s): %s ms%n", lags);
    }

    private static long sessionsToday(Server server) throws Exception {
        String body = get(server, "/v1/analytics/engagement?days=1&customer=cust_bench_probe").body();
        return Long.parseLong(body.replaceAll("(?s).*\"sessions\":(\\d+).*", "$1"));
    }

    private static void endpoints(Server server) throws Exception {
        String[] paths = {"engagement", "last-seen", "tools", "spend", "categories", "outcomes", "health"};
        System.out.printf("%-52s %10s %10s %10s%n", "endpoint (days=30)", "median ms", "p95 ms", "rows bytes");
        for (String customer : new String[] {null, "cust_07"}) {
            for (String p : paths) {
                time(server, "/v1/analytics/" + p + (customer == null ? "" : "?customer=" + customer));
            }
        }
        YearMonth month = YearMonth.now(ZoneOffset.UTC);
        for (String path : List.of("/v1/analytics/customers/cust_07", "/v1/analytics/customers/cust_07?days=90",
                "/v1/analytics/usage?month=" + month, "/v1/analytics/usage?month=" + month + "&format=csv",
                "/v1/analytics/usage?month=" + month + "&customer=cust_07", "/v1/analytics/usage?month=" + month.minusMonths(2) + "&format=csv")) {
            time(server, path);
        }
    }

    // Warm (5 calls), then the median and p95 of 21.
    private static void time(Server server, String path) throws Exception {
        for (int i = 0; i < 5; i++) {
            get(server, path);
        }
        long[] ns = new long[21];
        int bytes = 0;
        for (int i = 0; i < ns.length; i++) {
            long t = System.nanoTime();
            HttpResponse<String> r = get(server, path);
            ns[i] = System.nanoTime() - t;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
            }
            bytes = r.body().length();
        }
        Arrays.sort(ns);
        System.out.printf("%-52s %10.1f %10.1f %10d%n", path, ns[ns.length / 2] / 1e6, ns[(int) (ns.length * 0.95)] / 1e6, bytes);
    }

    // The customer page of the bench data, for docs/customer-page.png (when chromium is installed).
    private static void screenshot(Server server) throws Exception {
        if (Chromium.binary() == null) {
            System.out.println("no chromium: no screenshot");
            return;
        }
        try (var chrome = new Chromium(1440, 1000)) {
            chrome.navigate("http://127.0.0.1:" + server.port() + "/dashboard/customers/" + SCREENSHOT_CUSTOMER + "#token=" + TOKEN);
            if (!chrome.waitFor("document.body.dataset.ready === 'true'", Duration.ofSeconds(120))) {
                throw new IllegalStateException("the customer page did not load: " + chrome.errors);
            }
            Path file = Path.of("target", "customer-page-bench.png");
            chrome.screenshot(file);
            System.out.println("customer page of " + SCREENSHOT_CUSTOMER + ": " + file + (chrome.errors.isEmpty() ? "" : " errors: " + chrome.errors));
        }
    }

    private static void load(String url, long events) throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(true);
            var st = c.createStatement();
            for (int i = 0; i < CUSTOMERS; i++) {
                String cust = String.format("cust_%02d", i);
                st.execute("insert into customers (id, name, privacy_tier) values ('" + cust + "', 'Customer " + i + "', 'b')");
                for (int a = 0; a < AGENTS_PER_CUSTOMER; a++) {
                    st.execute("insert into agents (id, customer_id, kind) values ('" + agent(i, a) + "', '" + cust + "', 'inbox')");
                }
            }
            var copy = ((PGConnection) c).getCopyAPI();
            var rnd = new SplittableRandom(42);
            long now = Instant.now().minus(Duration.ofMinutes(10)).toEpochMilli();
            long span = Duration.ofDays(90).toMillis();
            long start = now - span;
            long sessions = (long) (events * 0.44);
            long written = 0;
            final long chunk = 500_000;
            while (written < events) {
                try (var out = new BufferedWriter(new OutputStreamWriter(new PGCopyOutputStream(c.unwrap(PGConnection.class),
                        "copy events (ts, customer_id, agent_id, event_type, session_id, event_id, payload) from stdin"), StandardCharsets.UTF_8), 1 << 16)) {
                    long until = Math.min(events, written + chunk);
                    while (written < until) {
                        long k = (long) ((double) written / events * sessions);
                        long ts = start + (long) ((double) written / events * span);
                        int cust = customerAt(rnd, ts, now);
                        int ag = rnd.nextInt(AGENTS_PER_CUSTOMER);
                        if (cust % 10 == 3 && ag < 5 && ts > now - Duration.ofDays(2).toMillis()) {
                            ag += 5; // half the agents of some customers went silent two days ago
                        }
                        double roll = rnd.nextDouble();
                        if (roll < 0.10) {
                            String version = ag % 2 == 0 && ts > now - Duration.ofDays(10).toMillis() ? "1.5.0" : "1.4.2";
                            row(out, ts, cust, ag, "heartbeat", null, "{\"agent_version\":\"" + version + "\",\"pid_uptime_s\":" + rnd.nextInt(100000)
                                    + ",\"dropped_events_since_last\":" + (rnd.nextInt(50) == 0 ? rnd.nextInt(20) : 0) + "}", rnd);
                            written++;
                        } else if (roll < 0.12) {
                            int stack = rnd.nextInt(3);
                            row(out, ts, cust, ag, "error", null, "{\"kind\":\"" + ERROR_KINDS[stack] + "\",\"message\":\"" + ERROR_MESSAGES[stack]
                                    + "\",\"stack_hash\":\"sha256:" + String.valueOf(stack + 1).repeat(64) + "\"}", rnd);
                            written++;
                        } else {
                            String session = "sess_" + k + "_" + written;
                            row(out, ts, cust, ag, "session.start", session, "{\"category\":\"" + CATEGORIES[(cust + rnd.nextInt(4) * 3) % CATEGORIES.length]
                                    + "\",\"source\":\"inbox\"}", rnd);
                            row(out, ts + 1000 + rnd.nextInt(120_000), cust, ag, "session.end", session, endPayload(rnd, cust), rnd);
                            written += 2;
                        }
                    }
                }
                System.out.printf("  loaded %,d events (%.0f s)%n", written, (System.nanoTime() - t0) / 1e9);
            }
        }
        System.out.printf("COPY of %,d events: %.1f s%n", events, (System.nanoTime() - t0) / 1e9);
    }

    // Customers differ in volume; every 7th is fading (fewer sessions in the last week than the one before).
    private static int customerAt(SplittableRandom rnd, long ts, long now) {
        while (true) {
            int c = (int) Math.floor(Math.pow(rnd.nextDouble(), 1.6) * CUSTOMERS);
            if (c % 7 == 5 && ts > now - Duration.ofDays(7).toMillis() && rnd.nextDouble() < 0.7) {
                continue;
            }
            return c;
        }
    }

    private static String endPayload(SplittableRandom rnd, int cust) {
        double r = rnd.nextDouble();
        double failShare = cust % 11 == 4 ? 0.3 : 0.08;
        String status = r < failShare ? "failed" : r < failShare + 0.05 ? "escalated" : "success";
        var sb = new StringBuilder(300).append("{\"status\":\"").append(status).append("\",\"duration_ms\":").append(rnd.nextInt(60_000))
                .append(",\"tool_calls\":[");
        int calls = rnd.nextInt(5);
        for (int i = 0; i < calls; i++) {
            long ms = Math.round(Math.exp(4 + rnd.nextDouble() * 3 + rnd.nextDouble() * 2));
            sb.append(i == 0 ? "" : ",").append("{\"name\":\"").append(TOOLS[(cust + rnd.nextInt(6)) % TOOLS.length])
                    .append("\",\"ms\":").append(ms).append(",\"ok\":").append(rnd.nextDouble() > 0.04).append('}');
        }
        int input = 500 + rnd.nextInt(4000);
        sb.append("],\"llm_usage\":[{\"model\":\"claude-sonnet-4-6\",\"input_tokens\":").append(input)
                .append(",\"cache_read_input_tokens\":").append(rnd.nextInt(input))
                .append(",\"output_tokens\":").append(50 + rnd.nextInt(600)).append(",\"cost_cents\":").append(rnd.nextInt(300) / 100.0).append('}');
        if (rnd.nextInt(3) == 0) {
            sb.append(",{\"model\":\"claude-haiku-4-5\",\"input_tokens\":").append(rnd.nextInt(2000)).append(",\"output_tokens\":")
                    .append(rnd.nextInt(200)).append(",\"cost_cents\":").append(rnd.nextInt(20) / 100.0).append('}');
        }
        return sb.append("]}").toString();
    }

    private static void row(BufferedWriter out, long ts, int cust, int ag, String type, String session, String payload,
                            SplittableRandom rnd) throws java.io.IOException {
        out.write(Instant.ofEpochMilli(ts).toString());
        out.write('\t');
        out.write(String.format("cust_%02d", cust));
        out.write('\t');
        out.write(agent(cust, ag));
        out.write('\t');
        out.write(type);
        out.write('\t');
        out.write(session == null ? "\\N" : session);
        out.write('\t');
        out.write(new UUID(rnd.nextLong(), rnd.nextLong()).toString());
        out.write('\t');
        out.write(payload);
        out.write('\n');
    }

    private static String agent(int cust, int a) {
        return String.format("agent_%02d_%d", cust, a);
    }

    private static String keyFor(Database db, String agent) {
        String secret = ApiKeys.newSecret();
        db.jdbi().useHandle(h -> {
            h.execute("insert into customers (id, name, privacy_tier) values ('cust_bench_probe', 'Probe', 'a') on conflict do nothing");
            h.execute("insert into agents (id, customer_id) values (?, 'cust_bench_probe') on conflict do nothing", agent);
            h.execute("insert into api_keys (id, agent_id, key_hash) values (?, ?, ?)", ApiKeys.newKeyId(), agent, ApiKeys.hash(secret));
        });
        return secret;
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static void post(Server server, String key, String body) throws Exception {
        var r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/events"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("ingest answered " + r.statusCode() + ": " + r.body());
        }
    }

    private static HttpResponse<String> get(Server server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean exists(String base, String name) throws Exception {
        try (Connection c = DriverManager.getConnection(base)) {
            var rs = c.createStatement().executeQuery("select 1 from pg_database where datname = '" + name + "'");
            return rs.next();
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
