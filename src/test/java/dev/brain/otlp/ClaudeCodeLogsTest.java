package dev.brain.otlp;

import static dev.brain.otlp.Otlp.JSON;
import static dev.brain.otlp.Otlp.PROTOBUF;
import static dev.brain.otlp.Otlp.claudeCode;
import static dev.brain.otlp.Otlp.claudeLog;
import static dev.brain.otlp.Otlp.dbl;
import static dev.brain.otlp.Otlp.num;
import static dev.brain.otlp.Otlp.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.metrics.Metrics;
import dev.brain.sessions.SessionCloser;
import dev.brain.support.Brain;
import dev.brain.support.OneBrainPerClass;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Claude Code's log export, in both encodings: one session with exact sums, retried exports counted once. */
class ClaudeCodeLogsTest extends OneBrainPerClass {
    ClaudeCodeLogsTest() {
        super("cclogs");
    }

    private void closeIdleSessions() {
        new SessionCloser(brain.server.db().jdbi(), Duration.ZERO, new Metrics()).runOnce();
    }

    private static ExportLogsServiceRequest session(String sid) {
        Instant t = Instant.now().minusSeconds(60);
        List<LogRecord> records = List.of(
                claudeLog("user_prompt", sid, 1, t, num("prompt_length", 31), str("prompt", "please email jane.doe@example.com")),
                claudeLog("api_request", sid, 2, t.plusMillis(500), str("model", "claude-opus-5-5"), num("input_tokens", 1200),
                        num("output_tokens", 80), num("cache_read_tokens", 3000), num("cache_creation_tokens", 400),
                        dbl("cost_usd", 0.0123), num("duration_ms", 2100), num("ttft_ms", 900), str("query_source", "repl_main_thread")),
                claudeLog("tool_result", sid, 3, t.plusMillis(3000), str("tool_name", "Bash"), str("success", "true"),
                        str("duration_ms", "45")),
                claudeLog("tool_result", sid, 4, t.plusMillis(4000), str("tool_name", "Bash"), str("success", "false"),
                        str("duration_ms", "12"), str("error", "Exit code 2")),
                claudeLog("api_request", sid, 5, t.plusMillis(6000), str("model", "claude-haiku-5-5"), num("input_tokens", 50),
                        num("output_tokens", 7), num("cache_read_tokens", 0), num("cache_creation_tokens", 0),
                        dbl("cost_usd", 0.0002), num("duration_ms", 300), str("query_source", "agent:Explore")),
                claudeLog("hook_execution_complete", sid, 6, t.plusMillis(7000)));
        return Otlp.logs(claudeCode(), records);
    }

    @ParameterizedTest
    @ValueSource(strings = {JSON, PROTOBUF})
    void a_claude_code_export_builds_one_session_with_exact_sums_and_retries_count_once(String type) throws Exception {
        String sid = "cc-" + type.hashCode();
        ExportLogsServiceRequest request = session(sid);
        for (int i = 0; i < 3; i++) {
            var r = Otlp.post(brain, key, "/v1/logs", request, type);
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            assertEquals(type, r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
            if (type.equals(PROTOBUF)) {
                assertFalse(ExportLogsServiceResponse.parseFrom(r.body()).hasPartialSuccess());
            } else {
                assertEquals("{}", new String(r.body(), StandardCharsets.UTF_8));
            }
        }
        closeIdleSessions();
        assertEquals(1, brain.count("select count(*) from events where session_id = '" + sid + "' and event_type = 'session.start'"));
        JsonNode end = Brain.JSON.readTree(brain.query("select payload::text from events where session_id = '" + sid
                + "' and event_type = 'session.end'", rs -> rs.getString(1)).get(0));
        assertEquals("success", end.get("status").asText());
        assertEquals(2, end.get("tool_calls").size());
        assertFalse(end.get("tool_calls").get(1).get("ok").asBoolean());
        assertEquals(45, end.get("tool_calls").get(0).get("ms").asLong());
        assertEquals(1, end.get("prompts").asInt());
        JsonNode haiku = end.get("llm_usage").get(0);
        JsonNode opus = end.get("llm_usage").get(1);
        assertEquals("claude-opus-5-5", opus.get("model").asText());
        assertEquals(1200 + 3000 + 400, opus.get("input_tokens").asLong());
        assertEquals(1200, opus.get("uncached_input_tokens").asLong());
        assertEquals(80, opus.get("output_tokens").asLong());
        assertEquals(3000, opus.get("cache_read_input_tokens").asLong());
        assertEquals(400, opus.get("cache_creation_input_tokens").asLong());
        assertEquals(0, new BigDecimal("1.23").compareTo(opus.get("cost_cents").decimalValue()));
        assertEquals(0, new BigDecimal("0.02").compareTo(haiku.get("cost_cents").decimalValue()));
        assertEquals(6000, end.get("duration_ms").asLong());
        assertEquals(900, opus.get("ttft_ms").asLong());
        assertEquals(0, opus.get("subagent_calls").asInt(), "query_source repl_main_thread: the main conversation");
        assertEquals(1, haiku.get("subagent_calls").asInt(), "query_source agent:Explore: a subagent");
        assertNull(haiku.get("ttft_ms"), "no ttft_ms sent, none invented");
        assertEquals(brain.count("select count(*) from sessionizer_sessions where session_id like 'cc-%'"),
                brain.count("select sum(records) from otlp_records_daily where name = 'claude_code.hook_execution_complete'"),
                "an event without a model of its own is counted by name, once per record");
    }

    @Test
    void an_api_error_is_an_error_event_and_a_session_ending_on_it_fails_and_a_rejected_tool_escalates() throws Exception {
        Instant t = Instant.now().minusSeconds(30);
        var request = Otlp.logs(claudeCode(), List.of(
                claudeLog("api_request", "err-1", 1, t, str("model", "claude-opus-5-5"), num("input_tokens", 1), num("output_tokens", 1)),
                claudeLog("api_error", "err-1", 2, t.plusSeconds(1), str("model", "claude-opus-5-5"), str("status_code", "529"),
                        str("error", "Overloaded")),
                claudeLog("tool_decision", "esc-1", 1, t, str("tool_name", "Bash"), str("decision", "reject"), str("source", "config"))));
        assertEquals(200, Otlp.post(brain, key, "/v1/logs", request, PROTOBUF).statusCode());
        closeIdleSessions();
        assertEquals(1, brain.count("select count(*) from events where session_id = 'err-1' and event_type = 'error'"
                + " and payload ->> 'kind' = 'claude_code.api_error' and payload ->> 'status_code' = '529'"));
        assertEquals(1, brain.count("select count(*) from events where session_id = 'err-1' and event_type = 'session.end'"
                + " and payload ->> 'status' = 'failed'"));
        assertEquals(1, brain.count("select count(*) from events where session_id = 'esc-1' and event_type = 'session.end'"
                + " and payload ->> 'status' = 'escalated'"));
    }

    @Test
    void refused_records_are_counted_with_their_reasons_and_the_rest_are_kept() throws Exception {
        Instant t = Instant.now().minusSeconds(30);
        var request = Otlp.logs(claudeCode(), List.of(
                claudeLog("tool_result", "part-1", 1, t, str("tool_name", "Read"), str("success", "true"), str("duration_ms", "3")),
                claudeLog("api_request", "part-1", 2, t, str("model", "m"), num("input_tokens", -5)),
                claudeLog("tool_result", "part-1", 3, t, str("tool_name", "Read"), str("success", "maybe")),
                claudeLog("tool_result", "part-1", 4, Instant.now().plus(Duration.ofDays(2)), str("tool_name", "Read"))));
        var r = Otlp.post(brain, key, "/v1/logs", request, PROTOBUF);
        assertEquals(200, r.statusCode());
        var partial = ExportLogsServiceResponse.parseFrom(r.body()).getPartialSuccess();
        assertEquals(3, partial.getRejectedLogRecords());
        assertTrue(partial.getErrorMessage().contains("negative_value (1)"), partial.getErrorMessage());
        assertTrue(partial.getErrorMessage().contains("ts_in_future (1)"), partial.getErrorMessage());
        assertEquals(3, brain.count("select count(*) from rejected_events where customer_id = 'cust_cclogs'"));
        assertEquals(1, brain.count("select count(*) from sessionizer_fragments where session_id = 'part-1'"));
        var json = Otlp.post(brain, key, "/v1/logs", request, JSON);
        assertTrue(new String(json.body(), StandardCharsets.UTF_8).contains("\"rejectedLogRecords\":\"3\""));
    }
}
