package dev.brain.privacy;

import static dev.brain.support.Brain.event;
import static dev.brain.support.Brain.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Await;
import dev.brain.support.Brain;
import dev.brain.support.FakeAnthropic;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Who may read a raw summary: the admin endpoint (audited), never brain_reader. */
class RawSummaryAccessTest {
    private static final String TOKEN = "auditor-token-0123456789";

    private static HttpResponse<String> read(Brain brain, String customer, String token) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(brain.baseUrl() + "/v1/admin/customers/" + customer + "/raw-summaries?days=7"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void every_raw_read_is_audited_with_the_token_label_and_event_ids() throws Exception {
        try (FakeAnthropic anthropic = new FakeAnthropic();
             Brain brain = Brain.start(Map.of("ANTHROPIC_API_KEY", "sk-test", "BRAIN_ANTHROPIC_BASE_URL", anthropic.baseUrl(),
                     "BRAIN_ADMIN_TOKENS", "alice=" + TOKEN, "BRAIN_READER_PASSWORD", "reader-pw-123"))) {
            String key = brain.newAgentKey("cust_c", "agent_c", "c");
            brain.admin("customer", "tier-c", "--id", "cust_c", "--enabled", "true");
            String id1 = UUID.randomUUID().toString();
            String id2 = UUID.randomUUID().toString();
            for (String id : List.of(id1, id2)) {
                brain.post(key, event(id, Instant.now().toString(), "session.end", "s",
                        "{\"status\":\"success\",\"summary_raw\":\"RAWMARK-C " + id + "\"}"));
            }

            assertEquals(401, read(brain, "cust_c", null).statusCode());
            assertEquals(401, read(brain, "cust_c", "wrong-token-0123456789").statusCode());
            assertEquals(0, brain.count("select count(*) from audit_log"));

            var first = read(brain, "cust_c", TOKEN);
            assertEquals(200, first.statusCode(), first.body());
            assertEquals(2, json(first).get("rows").size());
            assertTrue(first.body().contains("RAWMARK-C " + id1));
            read(brain, "cust_c", TOKEN);
            assertEquals(2, brain.count("select count(*) from audit_log where actor = 'alice' and action = 'read_raw_summaries' and customer_id = 'cust_c'"));
            assertEquals(2, brain.count("select count(*) from audit_log where '" + id1 + "' = any(event_ids) and '" + id2 + "' = any(event_ids)"));
            String listing = brain.admin("audit", "list", "--customer", "cust_c");
            assertEquals(3, listing.lines().count(), listing);
            assertTrue(listing.contains("alice\tread_raw_summaries\tcust_c\t2"));

            brain.newAgentKey("cust_b", "agent_b", "b");
            var refused = read(brain, "cust_b", TOKEN);
            assertEquals(403, refused.statusCode());
            assertEquals("tier_c_off", json(refused).get("error").asText());

            // brain_reader: the analytics view has no raw summary, the base table is refused.
            String url = brain.db.url().replaceAll("user=[^&]*", "user=brain_reader") + "&password=reader-pw-123";
            try (var c = DriverManager.getConnection(url)) {
                var rs = c.createStatement().executeQuery("select count(*), bool_or(payload::text like '%RAWMARK%') from analytics.events");
                rs.next();
                assertEquals(2, rs.getLong(1));
                assertFalse(rs.getBoolean(2));
                var e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                        () -> c.createStatement().executeQuery("select payload->>'summary_raw' from public.events"));
                assertEquals("42501", e.getSQLState());
                var audit = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                        () -> c.createStatement().executeQuery("select * from public.audit_log"));
                assertEquals("42501", audit.getSQLState());
            }
        }
    }

    @Test
    void failed_tier_c_redactions_can_be_retried() throws Exception {
        try (FakeAnthropic anthropic = new FakeAnthropic();
             Brain brain = Brain.start(Map.of("ANTHROPIC_API_KEY", "sk-test", "BRAIN_ANTHROPIC_BASE_URL", anthropic.baseUrl()))) {
            String key = brain.newAgentKey("cust_retry", "agent_retry", "c");
            brain.admin("customer", "tier-c", "--id", "cust_retry", "--enabled", "true");
            anthropic.answer(body -> FakeAnthropic.status(500));
            String id = UUID.randomUUID().toString();
            brain.post(key, event(id, Instant.now().toString(), "session.end", "s", "{\"status\":\"failed\",\"summary_raw\":\"Refund for jane@example.com\"}"));
            Await.until("the failed redaction is marked", () -> brain.count("select count(*) from events where payload->>'summary_failed' = 'true'") > 0);
            assertEquals(1, brain.count("select count(*) from events where payload->>'summary_failed' = 'true' and payload ? 'summary_raw'"));
            // The CLI builds its own redactor from the environment; the test drives the same code with the stand-in.
            var redactor = new dev.brain.redact.AnthropicRedactor(dev.brain.http.Json.mapper(), anthropic.baseUrl(), "sk-test",
                    "claude-haiku-4-5", java.time.Duration.ofSeconds(30), 1);
            anthropic.answer(body -> FakeAnthropic.text("Refund issued to [email]"));
            var jdbi = brain.server.db().jdbi();
            var result = new PrivacyAdmin(jdbi, new dev.brain.redact.SummaryStore(jdbi)).retryFailed(redactor, "cust_retry");
            assertEquals(1, result.redacted());
            assertEquals(0, result.failed());
            assertEquals(1, brain.count("select count(*) from events where summary_redacted = 'Refund issued to [email]' and not (payload ? 'summary_failed')"));
        }
    }
}
