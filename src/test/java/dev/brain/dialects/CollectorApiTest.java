package dev.brain.dialects;

import static dev.brain.dialects.Dialects.analytics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.support.Await;
import dev.brain.support.Brain;
import dev.brain.support.PgDump;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The agent-framework collector's API against a real brain: its documented body, the limits, the mapping, transcripts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollectorApiTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    // The example of the collector's README (timlisemer/agent-framework-telemetry, "Telemetry Event Format"), verbatim.
    private static final String DOCUMENTED = """
            {
              "events": [
                {
                  "hostId": "laptop",
                  "sessionId": "abc123",
                  "eventType": "agent_execution",
                  "agentName": "tool-approve",
                  "timestamp": "2024-01-15T10:30:00Z",
                  "decision": "APPROVED",
                  "decisionReason": "Tool is safe",
                  "toolName": "Bash",
                  "latencyMs": 150,
                  "modelTier": "haiku"
                }
              ]
            }""";
    private Brain brain;
    private String key;
    private final Instant at = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    @BeforeAll
    void start() {
        brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", Dialects.TOKEN, "BRAIN_ROLLUP_INTERVAL_S", "3600"));
        key = brain.newAgentKey("cust_collector", "agent_collector", "b");
    }

    @AfterAll
    void stop() {
        brain.close();
    }

    /** A complete event with every field the collector's types list, at `at` plus `second`. */
    private String event(String session, String type, String decision, boolean success, String tool, int second) {
        return "{\"hostId\":\"HOSTMARK-laptop\",\"sessionId\":\"" + session + "\",\"eventType\":\"" + type + "\",\"agentName\":\"tool-approve\","
                + "\"hookName\":\"PreToolUse\",\"decision\":\"" + decision + "\",\"toolName\":\"" + tool + "\","
                + "\"workingDir\":\"/home/PATHMARK/project\",\"latencyMs\":150,\"modelTier\":\"haiku\",\"modelName\":\"claude-haiku-4-5\","
                + "\"errorCount\":0,\"success\":" + success + ",\"timestamp\":\"" + at.plusSeconds(second) + "\","
                + "\"decisionReason\":\"Tool is safe\",\"extraData\":{\"mode\":\"direct\"}}";
    }

    private static String events(String... events) {
        return "{\"events\":[" + String.join(",", events) + "]}";
    }

    private HttpResponse<String> post(String path, String body, String header, String value) {
        var b = HttpRequest.newBuilder(URI.create(brain.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (header != null) {
            b.header(header, value);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> batch(String body) {
        return post("/api/v1/telemetry/batch", body, "X-API-Key", key);
    }

    @Test
    void the_documented_example_is_answered_per_event_naming_the_first_missing_required_field() {
        HttpResponse<String> r = batch(DOCUMENTED);
        assertEquals(207, r.statusCode(), r.body());
        JsonNode body = Brain.json(r);
        assertEquals(0, body.get("accepted").asInt());
        assertFalse(body.get("success").asBoolean());
        JsonNode issue = body.get("error").get("issues").get(0);
        assertEquals("missing_field", issue.get("code").asText());
        assertEquals("[\"events\",0]", issue.get("path").toString());
        assertEquals("hookName is required", issue.get("message").asText());
    }

    @Test
    void every_missing_required_field_is_named() {
        String full = event("s_missing", "agent_execution", "APPROVED", true, "Bash", 0);
        List<String> fields = List.of("hostId", "sessionId", "eventType", "agentName", "hookName", "decision", "toolName",
                "workingDir", "latencyMs", "modelTier", "modelName", "errorCount", "success");
        List<String> events = new ArrayList<>();
        for (String f : fields) {
            events.add(full.replaceFirst("\"" + f + "\":(\"[^\"]*\"|[^,}]+),?", ""));
        }
        events.add(full);
        HttpResponse<String> r = batch("{\"events\":[" + String.join(",", events) + "]}");
        assertEquals(207, r.statusCode(), r.body());
        JsonNode body = Brain.json(r);
        assertEquals(1, body.get("accepted").asInt(), r.body());
        JsonNode issues = body.get("error").get("issues");
        assertEquals(fields.size(), issues.size());
        for (int i = 0; i < fields.size(); i++) {
            assertEquals(fields.get(i) + " is required", issues.get(i).get("message").asText());
            assertEquals(i, issues.get(i).get("path").get(1).asInt());
        }
    }

    @Test
    void at_most_100_events_a_batch() {
        List<String> hundred = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hundred.add(event("s_limit", "agent_execution", "OK", true, "Read", i));
        }
        HttpResponse<String> ok = batch("{\"events\":[" + String.join(",", hundred) + "]}");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(100, Brain.json(ok).get("accepted").asInt());
        hundred.add(event("s_limit", "agent_execution", "OK", true, "Read", 100));
        HttpResponse<String> over = batch("{\"events\":[" + String.join(",", hundred) + "]}");
        assertEquals(400, over.statusCode());
        assertEquals("batch_too_large", Brain.json(over).get("error").asText());
        assertEquals(400, batch("{\"events\":[]}").statusCode());
        assertEquals(400, batch("not json").statusCode());
    }

    @Test
    void the_key_comes_as_x_api_key_or_bearer_and_nothing_else() {
        String body = "{\"events\":[" + event("s_auth", "agent_execution", "OK", true, "Read", 0) + "]}";
        assertEquals(200, post("/api/v1/telemetry/batch", body, "Authorization", "Bearer " + key).statusCode());
        assertEquals(401, post("/api/v1/telemetry/batch", body, null, null).statusCode());
        assertEquals(401, post("/api/v1/telemetry/batch", body, "X-API-Key", "brain_wrong").statusCode());
    }

    @Test
    void events_map_to_tool_calls_errors_escalations_and_commits_and_the_decisions_answer_counts_them() throws Exception {
        HttpResponse<String> r = batch("{\"events\":[" + String.join(",",
                event("s_map", "agent_execution", "APPROVED", true, "Bash", 0),
                event("s_map", "hook_decision", "DECLINED", true, "Edit", 1),
                event("s_map", "hook_decision", "DENIED", false, "Write", 2),
                event("s_map", "error", "BLOCK", false, "Bash", 3),
                event("s_map", "escalation", "CONFIRMED", true, "Bash", 4),
                event("s_map", "commit", "OK", true, "", 5)) + "]}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(6, Brain.json(r).get("accepted").asInt());
        HttpResponse<String> again = batch("{\"events\":[" + event("s_map", "agent_execution", "APPROVED", true, "Bash", 0) + "]}");
        assertEquals(1, Brain.json(again).get("duplicates").asInt(), "a retried event with its timestamp is a duplicate");
        Dialects.fold(brain);

        JsonNode decisions = analytics(brain, "decisions", "cust_collector");
        JsonNode mapped = null;
        for (JsonNode d : decisions) {
            if (d.get("day").asText().equals(at.toString().substring(0, 10))) {
                mapped = d;
            }
        }
        assertTrue(mapped != null, decisions.toString());
        assertEquals("tool-approve", mapped.get("agent_name").asText());
        assertEquals(brain.count("select count(*) from events where customer_id = 'cust_collector' and payload ? 'collector' and (ts at time zone 'utc')::date = '"
                + at.toString().substring(0, 10) + "'"), mapped.get("events").asLong());
        // The first call opens the session (the sessionizer's start, stored after the request's events); the escalation ends it.
        assertEquals(List.of("tool.call", "session.start", "tool.call", "tool.call", "error", "session.end", "business.event"),
                brain.query("select event_type from events where session_id = 's_map' order by ts, id", rs -> rs.getString(1)));
        assertEquals(1, brain.count("select count(*) from events where session_id = 's_map' and event_type = 'session.end'"
                + " and payload->>'status' = 'escalated'"));
        assertEquals(1, brain.count("select count(*) from events where session_id = 's_map' and event_type = 'business.event'"
                + " and payload->>'name' = 'commit'"));
        assertTrue(analytics(brain, "outcomes/business", "cust_collector").toString().contains("\"name\":\"commit\""));
        String dump = PgDump.dump(brain.db.url());
        assertFalse(dump.contains("HOSTMARK"), "a host name reached the database");
        assertFalse(dump.contains("PATHMARK"), "a working directory reached the database");
    }

    @Test
    void collector_sessions_are_opened_by_their_calls_and_end_escalated_or_when_idle() throws Exception {
        String k = brain.newAgentKey("cust_sessions", "agent_sessions", "b");
        assertEquals(200, post("/api/v1/telemetry/batch", events(event("s_esc", "agent_execution", "APPROVED", true, "Bash", 0),
                event("s_idle", "hook_decision", "OK", true, "Read", 0), event("s_idle", "agent_execution", "APPROVED", false, "Edit", 2)),
                "X-API-Key", k).statusCode());
        // s_lone: an escalation with no call before it ends a session the sessionizer never opened: it opens none.
        assertEquals(200, post("/api/v1/telemetry/batch", events(event("s_esc", "escalation", "CONFIRMED", true, "Bash", 4),
                event("s_lone", "escalation", "CONFIRMED", true, "Bash", 4)), "X-API-Key", k).statusCode());
        Dialects.closeAndFold(brain);

        JsonNode outcomes = analytics(brain, "outcomes", "cust_sessions").get(0);
        assertEquals("3 1 0 2", outcomes.get("sessions") + " " + outcomes.get("success") + " " + outcomes.get("failed") + " "
                + outcomes.get("escalated"), "s_idle ends success when idle, s_esc and s_lone escalated by their escalations");
        assertEquals(2, Dialects.sum(analytics(brain, "engagement", "cust_sessions"), "sessions"));
        assertEquals(List.of("s_esc", "s_idle"), brain.query("select session_id from sessionizer_sessions "
                + "where customer_id = 'cust_sessions' order by 1", rs -> rs.getString(1)));
        assertEquals(List.of("s_esc escalated", "s_idle success", "s_lone escalated"), brain.query("select session_id || ' ' || (payload ->> 'status') "
                + "from events where customer_id = 'cust_sessions' and event_type = 'session.end' order by 1", rs -> rs.getString(1)));
        assertEquals(3, Dialects.sum(analytics(brain, "tools", "cust_sessions"), "calls"), "each call once, though the assembled end carries them too");
    }

    @Test
    void approval_and_success_rates_follow_the_collectors_definitions() throws Exception {
        String k = brain.newAgentKey("cust_rates", "agent_rates", "a");
        String body = events(event("s_r", "hook_decision", "APPROVED", true, "Bash", 0), event("s_r", "hook_decision", "OK", true, "Read", 1),
                event("s_r", "hook_decision", "DECLINED", true, "Edit", 2), event("s_r", "hook_decision", "DENIED", false, "Write", 3));
        assertEquals(200, post("/api/v1/telemetry/batch", body, "X-API-Key", k).statusCode());
        Dialects.fold(brain);
        JsonNode row = analytics(brain, "decisions", "cust_rates").get(0);
        assertEquals(4, row.get("events").asInt());
        assertEquals("0.5", row.get("approval_rate").asText(), "APPROVED and OK of 4");
        assertEquals("0.75", row.get("success_rate").asText(), "the declined call that did not fail is a success");
    }

    @Test
    void the_health_route_answers_like_the_collectors() {
        HttpResponse<String> r = Dialects.get(brain, "/api/v1/health", null);
        assertEquals(200, r.statusCode());
        assertEquals("healthy", Brain.json(r).get("status").asText());
        assertEquals("connected", Brain.json(r).get("database").asText());
    }

    @Test
    void a_transcript_is_a_summary_under_each_privacy_tier() throws Exception {
        Map<String, String> keys = Map.of(
                "a", brain.newAgentKey("cust_tr_a", "agent_tr_a", "a"),
                "b", brain.newAgentKey("cust_tr_b", "agent_tr_b", "b"),
                "c", brain.newAgentKey("cust_tr_c", "agent_tr_c", "c"),
                "coff", brain.newAgentKey("cust_tr_coff", "agent_tr_coff", "c"));
        brain.admin("customer", "tier-c", "--id", "cust_tr_c", "--enabled", "true");
        for (var e : keys.entrySet()) {
            // An address: what the redaction of tiers b and c removes, so only a raw copy could hold it.
            String marker = "trmark-" + e.getKey() + "@example.com";
            String body = "{\"sessionId\":\"s_tr_" + e.getKey() + "\",\"hostId\":\"laptop\",\"transcript\":["
                    + "{\"role\":\"assistant\",\"content\":\"refunded " + marker + "\",\"index\":1},"
                    + "{\"role\":\"user\",\"content\":\"please refund order 48213\",\"index\":0}]}";
            HttpResponse<String> r = post("/api/v1/transcript", body, "X-API-Key", e.getValue());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("{\"success\":true}", r.body());
            assertEquals(200, post("/api/v1/transcript", body, "X-API-Key", e.getValue()).statusCode(), "an upsert, a duplicate");
        }
        for (String t : List.of("b", "c", "coff")) {
            Await.until("transcript of tier " + t + " redacted", () -> brain.count("select count(*) from events where session_id = 's_tr_"
                    + t + "' and (summary_redacted is not null or payload ? 'summary_failed')") == 1);
        }
        assertEquals(1, brain.count("select count(*) from events where session_id = 's_tr_a' and summary_redacted is null"
                + " and not payload ? 'summary_raw'"));
        assertEquals(1, brain.count("select count(*) from events where session_id = 's_tr_c' and payload->>'summary_raw' like 'user: please%'"));
        String dump = PgDump.dump(brain.db.url());
        assertTrue(dump.contains("trmark-c@example.com"), "tier c with the switch on keeps the raw transcript, so the dump can see raws");
        for (String marker : List.of("trmark-a@", "trmark-b@", "trmark-coff@")) {
            assertFalse(dump.contains(marker), marker + " found in the database dump");
        }
    }
}
