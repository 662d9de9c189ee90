package dev.brain.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.analytics.RollupJob;
import dev.brain.support.Await;
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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The digest's exact content for seeded traffic. Today is D (UTC); the digest's week is D-7..D-1, the week before D-14..D-8.
 * cust_up (agent up1, kind bot, version 1.10.0, heartbeat now): 1 session on D-10, 3 on D-3, category "email", 10 cents each, success.
 * cust_down (agent down1, kind bot, version 1.9.0, last event D-2): 4 sessions on D-9 and 1 failed on D-2, category "billing", 5 cents each.
 * cust_flat: one agent, never seen.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WeeklyDigestTest {
    static final String ADMIN = "digest-test-admin-token-0123456789";
    Brain brain;
    LocalDate today;

    @BeforeAll
    void seed() throws Exception {
        brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", ADMIN, "BRAIN_ROLLUP_INTERVAL_S", "3600"));
        today = awayFromMidnight();
        String up = agent("cust_up", "up1");
        String down = agent("cust_down", "down1");
        agent("cust_flat", "flat1");
        List<String> u = new ArrayList<>(sessions("up", 10, 1, "email", "success", 10));
        u.addAll(sessions("up", 3, 3, "email", "success", 10));
        u.add(Brain.event(UUID.randomUUID().toString(), Instant.now().minusSeconds(60).toString(), "heartbeat", null, "{\"agent_version\":\"1.10.0\"}"));
        assertEquals(202, brain.post(up, Brain.batch(u)).statusCode());
        List<String> d = new ArrayList<>(sessions("down", 9, 4, "billing", "success", 5));
        d.addAll(sessions("down", 2, 1, "billing", "failed", 5));
        d.add(Brain.event(UUID.randomUUID().toString(), today.minusDays(2).atTime(13, 0).toInstant(ZoneOffset.UTC).toString(), "heartbeat",
                null, "{\"agent_version\":\"1.9.0\"}"));
        assertEquals(202, brain.post(down, Brain.batch(d)).statusCode());
        Await.until("agent versions recorded", () -> brain.count("select count(*) from agents where version is not null") == 2);
        Await.until("a fold of our own", () -> new RollupJob(brain.server.db().jdbi()).runOnce().ran());
    }

    @AfterAll
    void stop() {
        brain.close();
    }

    private String agent(String customer, String agent) {
        brain.admin("customer", "add", "--id", customer, "--name", customer, "--tier", "b");
        brain.admin("agent", "add", "--id", agent, "--customer", customer, "--kind", "bot");
        return brain.admin("key", "create", "--agent", agent).trim();
    }

    private List<String> sessions(String prefix, int daysAgo, int n, String category, String status, int cents) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant at = today.minusDays(daysAgo).atTime(10, i).toInstant(ZoneOffset.UTC);
            String s = prefix + daysAgo + "_" + i;
            out.add(Brain.event(UUID.randomUUID().toString(), at.toString(), "session.start", s, "{\"category\":\"" + category + "\"}"));
            out.add(Brain.event(UUID.randomUUID().toString(), at.plusSeconds(30).toString(), "session.end", s,
                    "{\"status\":\"" + status + "\",\"llm_usage\":{\"model\":\"m\",\"input_tokens\":100,\"cost_cents\":" + cents + "}}"));
        }
        return out;
    }

    static LocalDate awayFromMidnight() throws InterruptedException {
        Instant midnight = LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Duration left = Duration.between(Instant.now(), midnight);
        if (left.compareTo(Duration.ofMinutes(5)) < 0) {
            Thread.sleep(left.toMillis() + 1000);
        }
        return LocalDate.now(ZoneOffset.UTC);
    }

    String expected(String alertCounts) {
        return "# Brain weekly digest: " + today.minusDays(7) + " to " + today.minusDays(1) + "\n"
                + "\n## Health movers\n\nCustomers whose sessions changed most against the week before (the activity part of health), with health now and why.\n\n"
                + "| Customer | Sessions | Week before | Change | Health | Why |\n|---|---|---|---|---|---|\n"
                + "| cust\\_down | 1 | 4 | −3 | 34 | sessions −75% week over week; 1 of 1 agents silent > 24 h; failure rate 20% |\n"
                        .replace(">", "\\>")
                + "| cust\\_up | 3 | 1 | +2 | 100 | healthy: 3 sessions in 7 days (+200% week over week) |\n"
                + "\n## At risk\n\nHealth below 50 now (40% activity trend + 30% agents live + 30% quality), riskiest first.\n\n"
                + "| Customer | Health | Why |\n|---|---|---|\n"
                + "| cust\\_flat | 15 | no sessions in 14 days; 1 of 1 agents silent \\> 24 h |\n"
                + "| cust\\_down | 34 | sessions −75% week over week; 1 of 1 agents silent \\> 24 h; failure rate 20% |\n"
                + "\n## Alerts\n\nAlerts opened and resolved this week, and those still open.\n\n| New | Resolved | Open |\n|---|---|---|\n| "
                + alertCounts + " |\n"
                + "\n## Category trends\n\nSessions per category across customers, largest change first.\n\n"
                + "| Category | Sessions | Week before | Change | Customers |\n|---|---|---|---|---|\n"
                + "| billing | 1 | 4 | −3 | 1 |\n| email | 3 | 1 | +2 | 1 |\n"
                + "\n## Spend and cost to serve\n\nLLM spend $0.35 this week ($0.30 the week before); the biggest spenders, with the cost per session they started.\n\n"
                + "| Customer | Spend | Week before | Sessions | Per session |\n|---|---|---|---|---|\n"
                + "| cust\\_up | $0.30 | $0.10 | 3 | $0.10 |\n| cust\\_down | $0.05 | $0.20 | 1 | $0.05 |\n"
                + "\n## Agents on old versions\n\nAgents behind the newest version reported by agents of the same kind.\n\n"
                + "| Agent | Customer | Kind | Version | Newest |\n|---|---|---|---|---|\n"
                + "| down1 | cust\\_down | bot | 1.9.0 | 1.10.0 |\n";
    }

    @Test
    void the_digest_names_movers_risk_categories_spend_and_old_versions_exactly() throws Exception {
        assertEquals(expected("0 | 0 | 0"), get("/v1/reports/weekly?format=md").body());
        assertEquals(expected("0 | 0 | 0"), brain.admin("report", "weekly"));
        String html = brain.admin("report", "weekly", "--format", "html");
        assertTrue(html.contains("<td>cust_down</td><td>1</td><td>4</td><td>−3</td><td>34</td><td>sessions −75% week over week; 1 of 1 agents silent &gt; 24 h"), html);
        var json = Brain.json(get("/v1/reports/weekly"));
        assertEquals(today.minusDays(7).toString(), json.get("since").asText());
        assertEquals("[\"cust_up\",\"$0.30\",\"$0.10\",\"3\",\"$0.10\"]", json.get("sections").get(4).get("rows").get(0).toString());
    }

    @Test
    void one_customers_digest_shows_that_customer_only() throws Exception {
        String md = brain.admin("report", "weekly", "--customer", "cust_up");
        assertTrue(md.startsWith("# Brain weekly digest: " + today.minusDays(7) + " to " + today.minusDays(1) + " — cust\\_up\n"), md);
        assertTrue(md.contains("| cust\\_up | 3 | 1 | +2 | 100 |"), md);
        assertFalse(md.contains("cust\\_down") || md.contains("billing") || md.contains("cust\\_flat"), md);
        assertEquals(404, get("/v1/reports/weekly?customer=cust_nobody").statusCode());
        assertEquals(400, get("/v1/reports/weekly?format=pdf").statusCode());
    }

    @Test
    void the_alerts_section_counts_the_weeks_new_resolved_and_open_alerts() throws Exception {
        Instant inWeek = today.minusDays(3).atStartOfDay(ZoneOffset.UTC).toInstant();
        String insert = "insert into alerts (rule, subject, customer_id, severity, state, message, detail, link, fired_at, last_seen_at,"
                + " resolved_at) values (?, ?, ?, 'warning', ?, 'm', '{}', '/', ?, ?, ?)";
        brain.server.db().jdbi().useHandle(h -> {
            h.execute(insert, "agent_silent", "a1", "cust_down", "firing", inWeek, inWeek, null);
            h.execute(insert, "failure_spike", "cust_up", "cust_up", "resolved", inWeek, inWeek, inWeek.plusSeconds(3600));
            h.execute(insert, "agent_silent", "a3", "cust_flat", "firing", inWeek.minus(Duration.ofDays(20)), inWeek, null);
        });
        try {
            assertEquals(expected("2 | 1 | 2"), get("/v1/reports/weekly?format=md").body());
        } finally {
            brain.server.db().jdbi().useHandle(h -> h.execute("delete from alerts"));
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(brain.baseUrl() + path))
                .header("Authorization", "Bearer " + ADMIN).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
