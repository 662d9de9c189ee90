package dev.brain.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.analytics.RollupJob;
import dev.brain.redact.ScrubberRedactor;
import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** `brain demo`: eight customers' stories through the public API of a real brain, visible in the analytics answers. */
class DemoTrafficTest {
    static final String ADMIN = "demo-test-admin-token-0123456789";

    @Test
    void the_demo_stories_show_in_health_tools_spend_categories_and_the_digest() throws Exception {
        try (Brain brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", ADMIN, "BRAIN_ROLLUP_INTERVAL_S", "3600"))) {
            String printed = brain.admin("demo", "traffic", "--days", "30", "--url", brain.baseUrl());
            assertTrue(printed.contains(" customers over 30 days"), printed);
            long events = brain.count("select count(*) from events");
            assertTrue(events > 2000, events + " events");
            Await.until("a fold of our own", () -> new RollupJob(brain.server.db().jdbi()).runOnce().ran());

            Map<String, JsonNode> health = byCustomer(get(brain, "/v1/analytics/health", ADMIN).get("rows"));
            assertEquals(8, health.size());
            assertTrue(health.get("demo_acme").get("score").asInt() >= 80, health.get("demo_acme").toString());
            assertTrue(health.get("demo_acme").get("reason").asText().matches("healthy: \\d+ sessions in 7 days \\(\\+\\d+% week over week\\)"),
                    health.get("demo_acme").toString());
            assertTrue(health.get("demo_globex").get("reason").asText().startsWith("sessions −88% week over week"), health.get("demo_globex").toString());
            assertTrue(health.get("demo_initech").get("reason").asText().contains("2 of 3 agents silent > 24 h"), health.get("demo_initech").toString());
            assertTrue(health.get("demo_umbrella").get("reason").asText().contains("failure rate"), health.get("demo_umbrella").toString());

            JsonNode deploy = get(brain, "/v1/analytics/tools?customer=demo_umbrella", ADMIN).get("rows");
            boolean failing = false;
            for (JsonNode t : deploy) {
                failing |= t.get("tool").asText().equals("deploy") && t.get("failure_rate").asDouble() >= 0.2;
            }
            assertTrue(failing, deploy.toString());

            Map<String, Double> spend = new HashMap<>();
            get(brain, "/v1/analytics/spend", ADMIN).get("rows").forEach(r -> spend.merge(r.get("customer_id").asText(), r.get("cost_cents").asDouble(), Double::sum));
            String top = spend.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            assertEquals("demo_hooli", top, spend.toString());

            JsonNode categories = get(brain, "/v1/analytics/categories?customer=demo_wonka", ADMIN);
            assertEquals(1, categories.get("rows").size(), "wonka uses email only, so the others' categories are openings");
            String md = brain.admin("report", "weekly");
            assertTrue(md.contains("| demo\\_globex\\_agent1 | demo\\_globex | support-bot | 2.1.0 | 2.3.1 |"), md);
            assertTrue(md.contains("| demo\\_wonka\\_agent1 | demo\\_wonka | support-bot | 2.1.0 | 2.3.1 |"), md);

            String portal = printed.lines().filter(l -> l.startsWith("Acme's own view:")).findFirst().orElseThrow().replaceAll(".*#token=", "");
            JsonNode own = get(brain, "/v1/analytics/health", portal);
            assertEquals(1, own.get("rows").size());
            assertEquals("demo_acme", own.get("rows").get(0).get("customer_id").asText());

            // Run again the same day: the story's event ids are the same, so nothing is added.
            brain.admin("demo", "traffic", "--days", "30", "--url", brain.baseUrl());
            assertEquals(events, brain.count("select count(*) from events"));
        }
    }

    @Test
    void the_demo_refuses_a_database_with_other_customers_unless_forced() throws Exception {
        try (Brain brain = Brain.start()) {
            brain.newAgentKey("cust_real", "agent_real", "b");
            var err = new ByteArrayOutputStream();
            int code = AdminCli.from(brain.server.db().jdbi(), ScrubberRedactor::new, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[] {"admin", "demo", "traffic", "--days", "2", "--url", brain.baseUrl()});
            assertEquals(1, code);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("already holds 1 other customer(s) (e.g. cust_real)"), err.toString());
            assertEquals(0, brain.count("select count(*) from customers where id like 'demo_%'"));
            brain.admin("demo", "traffic", "--days", "2", "--url", brain.baseUrl(), "--force", "true");
            assertEquals(8, brain.count("select count(*) from customers where id like 'demo_%'"));
        }
    }

    private static Map<String, JsonNode> byCustomer(JsonNode rows) {
        Map<String, JsonNode> out = new HashMap<>();
        rows.forEach(r -> out.put(r.get("customer_id").asText(), r));
        return out;
    }

    private static JsonNode get(Brain brain, String path, String token) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(brain.baseUrl() + path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Brain.json(r);
    }
}
