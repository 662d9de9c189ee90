package dev.brain.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.analytics.RollupJob;
import dev.brain.config.Config;
import dev.brain.http.Json;
import dev.brain.metrics.Metrics;
import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A real brain (its own scheduled alert job never runs: interval one day), a webhook sink standing in for Slack
 * (/slack) and a JSON receiver (/hook), and the alerts feature wired as Server does it but on a clock the test moves.
 * The clock starts at the real time and stays there until moved, so "today" cannot change under a test.
 */
final class AlertHarness implements AutoCloseable {
    static final String TOKEN = "alerts-admin-token-0123456789";
    static final String SECRET = "hook-secret-0123456789abcdef";
    final Brain brain;
    final WebhookSink sink;
    final MutableClock clock;
    final Instant t0;
    final LocalDate today;
    final Map<String, String> env;
    Alerts alerts;
    private final Set<String> customers = new HashSet<>();

    AlertHarness(Map<String, String> extra) throws Exception {
        sink = new WebhookSink();
        env = new HashMap<>(Map.of("BRAIN_ALERT_INTERVAL_S", "86400", "BRAIN_ADMIN_TOKEN", TOKEN, "BRAIN_ALERT_POLL_MS", "20",
                "BRAIN_ALERT_SLACK_WEBHOOK_URL", sink.url("/slack"), "BRAIN_ALERT_WEBHOOK_URL", sink.url("/hook"),
                "BRAIN_ALERT_WEBHOOK_SECRET", SECRET, "BRAIN_ALERT_RETRY_BASE_MS", "60000"));
        env.putAll(extra);
        brain = Brain.start(Map.of("BRAIN_ALERT_INTERVAL_S", "86400", "BRAIN_ADMIN_TOKEN", TOKEN));
        t0 = Instant.now().minusMillis(1);
        today = LocalDate.ofInstant(t0, ZoneOffset.UTC);
        clock = new MutableClock(t0);
        alerts = startAlerts();
    }

    AlertHarness() throws Exception {
        this(Map.of());
    }

    /** The alerts feature as Server.start builds it, from this harness's settings and clock. */
    Alerts startAlerts() {
        Map<String, String> all = new HashMap<>(env);
        all.put("DATABASE_URL", brain.config().databaseUrl());
        return Alerts.start(brain.server.db().jdbi(), Config.from(all).alerting(), Json.mapper(), new Metrics(), clock);
    }

    /** A new agent (and its customer, the first time) with a key. */
    String agent(String customer, String agent) {
        if (customers.add(customer)) {
            brain.admin("customer", "add", "--id", customer, "--name", customer, "--tier", "b");
        }
        brain.admin("agent", "add", "--id", agent, "--customer", customer);
        return brain.admin("key", "create", "--agent", agent).trim();
    }

    /** A time on UTC day today-`daysAgo`, at a fraction of the part of today that has passed: never after t0. */
    Instant at(int daysAgo, int i, int n) {
        Instant dayStart = today.atStartOfDay(ZoneOffset.UTC).toInstant();
        long elapsed = Duration.between(dayStart, t0).toMillis();
        return dayStart.minus(Duration.ofDays(daysAgo)).plusMillis(elapsed * (i + 1) / (n + 1));
    }

    static boolean weekend(LocalDate d) {
        return d.getDayOfWeek().getValue() >= 6;
    }

    static String end(Instant ts, String session, String status, String extra) {
        return Brain.event(UUID.randomUUID().toString(), ts.toString(), "session.end", session,
                "{\"status\":\"" + status + "\"" + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    static String start(Instant ts, String session) {
        return Brain.event(UUID.randomUUID().toString(), ts.toString(), "session.start", session, "{\"category\":\"email_reply\"}");
    }

    static String heartbeat(Instant ts, long dropped) {
        return Brain.event(UUID.randomUUID().toString(), ts.toString(), "heartbeat", null,
                "{\"agent_version\":\"1.0\",\"pid_uptime_s\":60,\"dropped_events_since_last\":" + dropped + "}");
    }

    static String error(Instant ts, String hash) {
        return Brain.event(UUID.randomUUID().toString(), ts.toString(), "error", null,
                "{\"message\":\"boom for alice@example.com\",\"kind\":\"IOException\",\"stack_hash\":\"" + hash + "\"}");
    }

    /** Posts through /v1/events in batches of 500; each must be accepted whole. */
    void send(String key, List<String> events) {
        for (int i = 0; i < events.size(); i += 500) {
            var r = brain.post(key, Brain.batch(events.subList(i, Math.min(events.size(), i + 500))));
            assertEquals(202, r.statusCode(), r.body());
        }
    }

    /** Folds everything sent so far into the rollups, then runs every rule once. */
    AlertEngine.Report evaluate() throws Exception {
        var job = new RollupJob(brain.server.db().jdbi());
        Await.until("a rollup fold of our own", () -> job.runOnce().ran());
        AlertEngine.Report[] report = new AlertEngine.Report[1];
        Await.until("an alert evaluation of our own", () -> (report[0] = alerts.engine().runOnce()).ran());
        return report[0];
    }

    List<Alert> alerts(String rule, String customer) {
        return alerts.store().list("all", customer, 1000).stream().filter(a -> a.rule().equals(rule)).toList();
    }

    /** Waits for `count` answered calls on the path that mention `text`, and returns them. */
    List<WebhookSink.Call> awaitDelivered(String path, String text, int count) throws Exception {
        Await.until(count + " deliveries to " + path + " mentioning " + text, () -> sink.delivered(path, text).size() >= count);
        return sink.delivered(path, text);
    }

    /** GET with the admin token. */
    java.net.http.HttpResponse<String> get(String path) throws Exception {
        return request("GET", path, null);
    }

    java.net.http.HttpResponse<String> request(String method, String path, String body) throws Exception {
        var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(brain.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        return java.net.http.HttpClient.newHttpClient().send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    static List<String> list() {
        return new ArrayList<>();
    }

    @Override
    public void close() {
        alerts.close();
        brain.close();
        sink.close();
    }
}
