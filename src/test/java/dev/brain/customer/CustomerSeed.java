package dev.brain.customer;

import static dev.brain.support.Brain.batch;
import static dev.brain.support.Brain.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Seeded customers with known answers, sent through POST /v1/events. Now is N; "last month" is the UTC month before N's.
 * cust_a: agents a1 and a2 (a2 never heard from). a1: 6 sessions between N-16 and N-11 min, categories "Email Reply" x4
 *   and "Billing" x2, 5 success and 1 failed; each end calls search (ok), the failed one also send (failed); each end
 *   uses claude-sonnet-4-6 (11,000 input of which 10,000 cache reads, 100 output, 2 cents); the failed one also
 *   acme-1 (500 input, 100 cache reads, 50 output, no cost). Heartbeats: version 1.0 (3 days ago, 5 dropped events),
 *   then 1.1 (N-5 min, 7 dropped). Errors: stack H1 "timeout" x2 ("first", then "second"), stack H2 "io" x1.
 * cust_b: agent b1, sessions N-20 min: research x2, email_reply x2, success. Last month, day 10: 2 sessions
 *   (research, one tool call each, claude-sonnet-4-6 100 input / 10 output / 0.5 cents each).
 * cust_c: agent c1, research and email_reply. cust_d: agent d1, research and billing.
 */
public final class CustomerSeed {
    public static final String TOKEN = "test-admin-token-0123456789";
    static final String H1 = "sha256:" + "1".repeat(64);
    static final String H2 = "sha256:" + "2".repeat(64);
    final Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS); // as PostgreSQL stores it
    final YearMonth lastMonth = YearMonth.now(ZoneOffset.UTC).minusMonths(1);
    Instant version11At;
    String b1;

    public void send(Brain brain) throws Exception {
        String a1 = brain.newAgentKey("cust_a", "agent_a1", "b");
        brain.admin("agent", "add", "--id", "agent_a2", "--customer", "cust_a");
        b1 = brain.newAgentKey("cust_b", "agent_b1", "b");
        String c1 = brain.newAgentKey("cust_c", "agent_c1", "b");
        String d1 = brain.newAgentKey("cust_d", "agent_d1", "b");

        accepted(brain.post(a1, event(id(), now.minus(Duration.ofDays(3)).toString(), "heartbeat", null,
                "{\"agent_version\":\"1.0\",\"dropped_events_since_last\":5}")), 1);
        Await.until("version 1.0 recorded", () -> "1.0".equals(version(brain)));
        List<String> a = new ArrayList<>();
        String[] categories = {"Email Reply", "Email Reply", "Billing", "Email Reply", "Billing", "Email Reply"};
        for (int s = 0; s < 6; s++) {
            Instant at = now.minus(Duration.ofMinutes(16 - s));
            boolean failed = s == 2;
            String tools = failed ? "[{\"name\":\"search\",\"ms\":100,\"ok\":true},{\"name\":\"send\",\"ms\":50,\"ok\":false}]"
                    : "[{\"name\":\"search\",\"ms\":100,\"ok\":true}]";
            String sonnet = "{\"model\":\"claude-sonnet-4-6\",\"input_tokens\":11000,\"cache_read_input_tokens\":10000,"
                    + "\"cache_creation_input_tokens\":0,\"output_tokens\":100,\"cost_cents\":2}";
            String usage = failed ? "[" + sonnet + ",{\"model\":\"acme-1\",\"input_tokens\":500,\"cache_read_input_tokens\":100,"
                    + "\"output_tokens\":50}]" : sonnet;
            a.add(event(id(), at.toString(), "session.start", "sa" + s, "{\"category\":\"" + categories[s] + "\"}"));
            a.add(event(id(), at.plusSeconds(20).toString(), "session.end", "sa" + s,
                    "{\"status\":\"" + (failed ? "failed" : "success") + "\",\"tool_calls\":" + tools + ",\"llm_usage\":" + usage + "}"));
        }
        a.add(error(now.minus(Duration.ofMinutes(9)), H1, "timeout", "first"));
        a.add(error(now.minus(Duration.ofMinutes(8)), H1, "timeout", "second"));
        a.add(error(now.minus(Duration.ofMinutes(7)), H2, "io", "disk"));
        accepted(brain.post(a1, batch(a)), a.size());
        version11At = now.minus(Duration.ofMinutes(5));
        accepted(brain.post(a1, event(id(), version11At.toString(), "heartbeat", null,
                "{\"agent_version\":\"1.1\",\"dropped_events_since_last\":7}")), 1);
        Await.until("version 1.1 recorded", () -> "1.1".equals(version(brain)));

        sessions(brain, b1, now.minus(Duration.ofMinutes(20)), "research", "research", "email_reply", "email_reply");
        sessions(brain, c1, now.minus(Duration.ofMinutes(20)), "research", "email_reply");
        sessions(brain, d1, now.minus(Duration.ofMinutes(20)), "research", "billing");
        List<String> old = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            old.addAll(billedSession(lastMonth.atDay(10).atTime(9, s).toInstant(ZoneOffset.UTC), "sb_old" + s, 1, 100, 10, "0.5"));
        }
        accepted(brain.post(b1, batch(old)), old.size());
    }

    /** A session of b1 in last month, sent after it closed: 3 tool calls, 50 input, 5 output, 0.25 cents. */
    void sendLate(Brain brain) {
        var late = billedSession(lastMonth.atDay(11).atTime(9, 0).toInstant(ZoneOffset.UTC), "sb_late", 3, 50, 5, "0.25");
        accepted(brain.post(b1, batch(late)), late.size());
    }

    private static List<String> billedSession(Instant at, String session, int tools, int input, int output, String cents) {
        String calls = String.join(",", java.util.Collections.nCopies(tools, "{\"name\":\"search\",\"ms\":10,\"ok\":true}"));
        return List.of(event(id(), at.toString(), "session.start", session, "{\"category\":\"research\"}"),
                event(id(), at.plusSeconds(10).toString(), "session.end", session, "{\"status\":\"success\",\"tool_calls\":[" + calls
                        + "],\"llm_usage\":{\"model\":\"claude-sonnet-4-6\",\"input_tokens\":" + input + ",\"output_tokens\":" + output
                        + ",\"cost_cents\":" + cents + "}}"));
    }

    private static void sessions(Brain brain, String key, Instant at, String... categories) {
        List<String> events = new ArrayList<>();
        for (int s = 0; s < categories.length; s++) {
            String session = UUID.randomUUID().toString();
            events.add(event(id(), at.plusSeconds(s).toString(), "session.start", session, "{\"category\":\"" + categories[s] + "\"}"));
            events.add(event(id(), at.plusSeconds(s + 1).toString(), "session.end", session, "{\"status\":\"success\"}"));
        }
        accepted(brain.post(key, batch(events)), events.size());
    }

    private static String error(Instant at, String hash, String kind, String message) {
        return event(id(), at.toString(), "error", null,
                "{\"stack_hash\":\"" + hash + "\",\"kind\":\"" + kind + "\",\"message\":\"" + message + "\"}");
    }

    private static String version(Brain brain) {
        return brain.query("select version from agents where id = 'agent_a1'", rs -> rs.getString(1)).get(0);
    }

    static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }

    private static void accepted(HttpResponse<String> r, int n) {
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(n, Brain.json(r).get("accepted").asInt(), r.body());
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
