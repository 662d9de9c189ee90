package dev.brain.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every analytics endpoint against the seeded traffic in {@link Traffic}: exact numbers. */
class AnalyticsEndpointsTest {
    static final String READER_PASSWORD = "reader-analytics-test";
    static Brain brain;
    static Traffic traffic;
    static Instant sentBy;

    @BeforeAll
    static void seed() throws Exception {
        traffic = Traffic.awayFromMidnight();
        brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", Traffic.TOKEN, "BRAIN_ROLLUP_INTERVAL_S", "50",
                "BRAIN_READER_PASSWORD", READER_PASSWORD));
        traffic.send(brain);
        sentBy = Instant.now();
        brain.admin("category", "alias", "--from", "Billing", "--to", "Invoicing");
        // The scheduled fold may hold the lock at this moment: ours runs once it is free.
        Await.until("a fold of our own", () -> new RollupJob(brain.server.db().jdbi()).runOnce().ran());
    }

    @AfterAll
    static void stop() {
        brain.close();
    }

    static JsonNode ok(String path) {
        HttpResponse<String> r = Traffic.get(brain, path, Traffic.TOKEN, null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = Brain.json(r);
        assertTrue(Instant.parse(body.get("fresh_as_of").asText()).isAfter(sentBy.minusMillis(1)), r.body());
        assertTrue(Instant.parse(body.get("generated_at").asText()).isAfter(sentBy), r.body());
        return body;
    }

    static List<String> lines(JsonNode rows, String... fields) {
        List<String> out = new ArrayList<>();
        rows.forEach(row -> {
            List<String> values = new ArrayList<>();
            for (String f : fields) {
                values.add(row.get(f).isNull() ? "null" : row.get(f).asText());
            }
            out.add(String.join(" ", values));
        });
        return out;
    }

    @Test
    void engagement_counts_sessions_started_per_day_zero_filled() {
        JsonNode rows = ok("/v1/analytics/engagement?days=7&customer=cust_a").get("rows");
        List<String> expected = new ArrayList<>();
        for (int d = 6; d >= 0; d--) {
            expected.add("cust_a " + traffic.today.minusDays(d) + " " + (d >= 1 && d <= 3 ? 3 : 0));
        }
        assertEquals(expected, lines(rows, "customer_id", "day", "sessions"));
        JsonNode all = ok("/v1/analytics/engagement").get("rows");
        assertEquals(3 * 30, all.size());
        long total = 0;
        for (JsonNode r : all) {
            total += r.get("sessions").asLong();
        }
        assertEquals(9 + 4 + 1, total);
    }

    @Test
    void last_seen_flags_agents_silent_for_more_than_an_hour() {
        JsonNode rows = ok("/v1/analytics/last-seen").get("rows");
        assertEquals(List.of("agent_b1 cust_b true", "agent_a1 cust_a true", "agent_c1 cust_c false", "agent_a2 cust_a false"),
                lines(rows, "agent_id", "customer_id", "silent"));
        // The heartbeats were sent 2 h and 5 min before "now" at some instant since sentFrom.
        long since = Duration.between(traffic.sentFrom, Instant.now()).toSeconds() + 1;
        long a1Silent = rows.get(1).get("silent_seconds").asLong();
        assertTrue(a1Silent >= 7200 && a1Silent <= 7200 + since, "a1 silent " + a1Silent + ", sent " + since + " s ago");
        long a2Silent = rows.get(3).get("silent_seconds").asLong();
        assertTrue(a2Silent >= 300 && a2Silent <= 300 + since, "a2 silent " + a2Silent + ", sent " + since + " s ago");
        assertEquals(2, ok("/v1/analytics/last-seen?customer=cust_a").get("rows").size());
    }

    @Test
    void tools_leaderboard_has_calls_failures_and_percentiles_from_session_end() {
        JsonNode rows = ok("/v1/analytics/tools").get("rows");
        assertEquals(List.of("cust_a search 9 0 0 100 100", "cust_a send_email 9 3 0.3333 200 2000"),
                lines(rows, "customer_id", "tool", "calls", "failures", "failure_rate", "p50_ms", "p95_ms"));
    }

    @Test
    void spend_sums_cost_and_tokens_per_customer_and_day_over_every_model() {
        JsonNode rows = ok("/v1/analytics/spend?days=30").get("rows");
        List<String> expected = new ArrayList<>();
        for (int d = 3; d >= 1; d--) {
            expected.add("cust_a " + traffic.today.minusDays(d) + " 5 4000 400");
        }
        assertEquals(expected, lines(rows, "customer_id", "day", "cost_cents", "input_tokens", "output_tokens"));
    }

    @Test
    void categories_are_normalised_and_aliased_per_customer_and_across_customers() {
        JsonNode body = ok("/v1/analytics/categories");
        assertEquals(List.of("cust_a email_reply 6", "cust_a invoicing 3", "cust_b research 4", "cust_c email_reply 1"),
                lines(body.get("rows"), "customer_id", "category", "sessions"));
        assertEquals(List.of("email_reply 2 7", "research 1 4", "invoicing 1 3"),
                lines(body.get("across_customers"), "category", "customers", "sessions"));
        assertEquals(List.of("cust_b research 4"), lines(ok("/v1/analytics/categories?customer=cust_b").get("rows"),
                "customer_id", "category", "sessions"));
    }

    @Test
    void outcomes_give_failure_and_escalation_rates_per_customer() {
        JsonNode rows = ok("/v1/analytics/outcomes").get("rows");
        assertEquals(List.of("cust_a 9 6 3 0 0.3333 0", "cust_b 4 0 0 4 0 1", "cust_c 1 1 0 0 0 0"),
                lines(rows, "customer_id", "sessions", "success", "failed", "escalated", "failure_rate", "escalation_rate"));
        assertEquals(List.of("cust_a 9"), lines(ok("/v1/analytics/outcomes?days=7&customer=cust_a").get("rows"), "customer_id", "sessions"));
        assertEquals(0, ok("/v1/analytics/outcomes?days=7&customer=cust_b").get("rows").size());
    }

    @Test
    void health_scores_customers_riskiest_first_with_a_reason() {
        JsonNode rows = ok("/v1/analytics/health").get("rows");
        assertEquals(List.of(
                "cust_b 0 0 0 0 0 4 1 1",
                "cust_a 90 100 100 67 9 0 2 0",
                "cust_c 100 100 100 100 1 0 1 0"),
                lines(rows, "customer_id", "score", "trend_score", "liveness_score", "quality_score", "sessions_7d",
                        "sessions_prev_7d", "agents", "agents_silent_24h"));
        assertEquals("no sessions in the last 7 days (4 the week before); 1 of 1 agents silent > 24 h; escalation rate 100%",
                rows.get(0).get("reason").asText());
        assertEquals("failure rate 33%", rows.get(1).get("reason").asText());
        assertEquals("healthy: 1 session in 7 days", rows.get(2).get("reason").asText());
    }

    @Test
    void csv_is_served_for_accept_text_csv_and_format_csv() {
        HttpResponse<String> r = Traffic.get(brain, "/v1/analytics/outcomes", Traffic.TOKEN, "text/csv");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        assertEquals("customer_id,sessions,success,failed,escalated,failure_rate,escalation_rate\r\n"
                + "cust_a,9,6,3,0,0.3333,0\r\ncust_b,4,0,0,4,0,1\r\ncust_c,1,1,0,0,0,0\r\n", r.body());
        HttpResponse<String> across = Traffic.get(brain, "/v1/analytics/categories?format=csv&scope=across", Traffic.TOKEN, null);
        assertEquals("category,customers,sessions\r\nemail_reply,2,7\r\nresearch,1,4\r\ninvoicing,1,3\r\n", across.body());
    }

    @Test
    void bad_parameters_answer_400_with_the_error_shape() {
        for (String q : new String[] {"days=0", "days=abc", "days=3661", "days=-1", "format=xml", "customer=bad%20id"}) {
            HttpResponse<String> r = Traffic.get(brain, "/v1/analytics/engagement?" + q, Traffic.TOKEN, null);
            assertEquals(400, r.statusCode(), q);
            JsonNode body = Brain.json(r);
            assertEquals("invalid_parameter", body.get("error").asText(), q);
            assertTrue(body.get("message").asText().length() > 10, q);
        }
        HttpResponse<String> unknown = Traffic.get(brain, "/v1/analytics/spend?customer=cust_nobody", Traffic.TOKEN, null);
        assertEquals(404, unknown.statusCode());
        assertEquals("unknown_customer", Brain.json(unknown).get("error").asText());
    }

    @Test
    void analytics_need_the_admin_token() {
        for (String token : new String[] {null, "wrong-token", Traffic.TOKEN + "x"}) {
            HttpResponse<String> r = Traffic.get(brain, "/v1/analytics/health", token, null);
            assertEquals(401, r.statusCode());
            assertEquals("unauthorized", Brain.json(r).get("error").asText());
        }
    }

    @Test
    void category_aliases_are_listed_by_the_admin_command() {
        String out = brain.admin("category", "list");
        assertTrue(out.contains("billing\tinvoicing"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("email_reply\t") && l.endsWith("\t7")), out);
    }
}
