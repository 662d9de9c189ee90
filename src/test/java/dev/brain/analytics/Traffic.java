package dev.brain.analytics;

import static dev.brain.support.Brain.batch;
import static dev.brain.support.Brain.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.support.Brain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Seeded traffic with known answers, sent through POST /v1/events. Today is D (UTC).
 * cust_a: agents a1 (sessions; heartbeat 2 h ago) and a2 (heartbeat 5 min ago). On D-3, D-2 and D-1,
 *   3 sessions a day: categories "Email Reply", "email-reply", "Billing"; 2 success, 1 failed.
 *   Every session calls search (100 ms, ok) and send_email (200 ms ok, or 2000 ms failed in the failed one).
 *   Spend a day: 4000 input tokens, 400 output, 5 cents.
 * cust_b: agent b1, 2 sessions a day on D-10 and D-9, category "research", all escalated; silent since.
 * cust_c: agent c1, one session 30 minutes ago, category "EMAIL_REPLY ", success.
 */
final class Traffic {
    static final String TOKEN = "test-admin-token-0123456789";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Longer than a test class takes from sending to its last read, on a loaded machine. */
    private static final Duration BEFORE_MIDNIGHT = Duration.ofMinutes(5);
    final LocalDate today;
    final Instant cSessionAt;
    /** When {@link #send} began: every relative timestamp it sent is at least this old. */
    Instant sentFrom;

    private Traffic() {
        today = LocalDate.now(ZoneOffset.UTC);
        cSessionAt = Instant.now().minus(Duration.ofMinutes(30));
    }

    /**
     * The answers count calendar days from the server's today: traffic seeded just before midnight UTC and read
     * just after would compare two different Ds. So close to midnight, this waits for the new day first.
     */
    static Traffic awayFromMidnight() throws InterruptedException {
        Instant now = Instant.now();
        Instant midnight = LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Duration left = Duration.between(now, midnight);
        if (left.compareTo(BEFORE_MIDNIGHT) < 0) {
            Thread.sleep(left.toMillis() + 1000);
        }
        return new Traffic();
    }

    void send(Brain brain) {
        sentFrom = Instant.now();
        String a1 = brain.newAgentKey("cust_a", "agent_a1", "b");
        brain.admin("agent", "add", "--id", "agent_a2", "--customer", "cust_a");
        String a2 = brain.admin("key", "create", "--agent", "agent_a2").trim();
        String b1 = brain.newAgentKey("cust_b", "agent_b1", "a");
        String c1 = brain.newAgentKey("cust_c", "agent_c1", "a");

        List<String> a = new ArrayList<>();
        String[] categories = {"Email Reply", "email-reply", "Billing"};
        for (int d = 1; d <= 3; d++) {
            for (int s = 0; s < 3; s++) {
                Instant at = today.minusDays(d).atTime(12, 10 * s).toInstant(ZoneOffset.UTC);
                String session = "sess_a_" + d + "_" + s;
                a.add(event(id(), at.toString(), "session.start", session, "{\"category\":\"" + categories[s] + "\"}"));
                boolean failed = s == 2;
                String tools = "[{\"name\":\"search\",\"ms\":100,\"ok\":true},"
                        + (failed ? "{\"name\":\"send_email\",\"ms\":2000,\"ok\":false}]" : "{\"name\":\"send_email\",\"ms\":200,\"ok\":true}]");
                String usage = failed ? "{\"model\":\"m1\",\"input_tokens\":1000,\"output_tokens\":100,\"cost_cents\":1.5}"
                        : "[{\"model\":\"m1\",\"input_tokens\":1000,\"output_tokens\":100,\"cost_cents\":1.5},"
                          + "{\"model\":\"m2\",\"input_tokens\":500,\"output_tokens\":50,\"cost_cents\":0.25}]";
                a.add(event(id(), at.plusSeconds(60).toString(), "session.end", session,
                        "{\"status\":\"" + (failed ? "failed" : "success") + "\",\"tool_calls\":" + tools + ",\"llm_usage\":" + usage + "}"));
            }
        }
        a.add(event(id(), Instant.now().minus(Duration.ofHours(2)).toString(), "heartbeat", null, "{\"agent_version\":\"1.0\"}"));
        accepted(brain.post(a1, batch(a)), a.size());
        accepted(brain.post(a2, event(id(), Instant.now().minus(Duration.ofMinutes(5)).toString(), "heartbeat", null, "{}")), 1);

        List<String> b = new ArrayList<>();
        for (int d = 9; d <= 10; d++) {
            for (int s = 0; s < 2; s++) {
                Instant at = today.minusDays(d).atTime(9, s).toInstant(ZoneOffset.UTC);
                b.add(event(id(), at.toString(), "session.start", "sess_b_" + d + s, "{\"category\":\"research\"}"));
                b.add(event(id(), at.plusSeconds(30).toString(), "session.end", "sess_b_" + d + s, "{\"status\":\"escalated\"}"));
            }
        }
        accepted(brain.post(b1, batch(b)), b.size());

        accepted(brain.post(c1, batch(List.of(
                event(id(), cSessionAt.toString(), "session.start", "sess_c", "{\"category\":\"EMAIL_REPLY \"}"),
                event(id(), cSessionAt.plusSeconds(5).toString(), "session.end", "sess_c", "{\"status\":\"success\"}")))), 2);
    }

    private static void accepted(HttpResponse<String> r, int n) {
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(n, Brain.json(r).get("accepted").asInt(), r.body());
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    static HttpResponse<String> get(Brain brain, String path, String token, String accept) {
        var b = HttpRequest.newBuilder(URI.create(brain.baseUrl() + path)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
