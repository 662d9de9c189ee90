package dev.brain.ingest;

import static dev.brain.support.Brain.event;
import static dev.brain.support.Brain.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.support.Brain;
import dev.brain.support.OneBrainPerClass;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every SPEC §4.2 limit: just inside is stored, just outside is refused with its code. */
class LimitsTest extends OneBrainPerClass {
    LimitsTest() {
        super("limits");
    }

    private void accepted(String body) {
        var r = brain.post(key, body);
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(1, json(r).get("accepted").asInt(), r.body());
    }

    private void refused(String body, String code) {
        var r = brain.post(key, body);
        assertEquals(400, r.statusCode(), r.body());
        assertEquals(code, json(r).get("error").asText(), r.body());
    }

    static String chars(int n) {
        return "x".repeat(n);
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    static String now() {
        return Instant.now().toString();
    }

    @Test
    void payload_of_32_kib_is_stored_and_one_byte_more_is_refused() {
        // {"category":"c","pad":"<n>"} — 29 bytes of JSON around the pad.
        int overhead = "{\"category\":\"c\",\"pad\":\"\"}".length();
        accepted(event("session.start", "s", "{\"category\":\"c\",\"pad\":\"" + chars(32 * 1024 - overhead) + "\"}"));
        refused(event("session.start", "s", "{\"category\":\"c\",\"pad\":\"" + chars(32 * 1024 - overhead + 1) + "\"}"), "payload_too_large");
    }

    @ParameterizedTest
    @CsvSource({"not-a-uuid", "12345678-1234-1234-1234-12345678901", "''"})
    void event_id_must_be_a_uuid(String bad) {
        refused(event(bad, now(), "session.start", "s", "{\"category\":\"c\"}"), "invalid_event_id");
    }

    @Test
    void ts_must_be_rfc3339_with_an_offset() {
        refused(event(id(), "2026-11-26 10:00:00", "session.start", "s", "{\"category\":\"c\"}"), "invalid_ts");
        refused(event(id(), "2026-11-26T10:00:00", "session.start", "s", "{\"category\":\"c\"}"), "invalid_ts");
        accepted(event(id(), "2026-11-26T10:00:00.123+02:00", "session.start", "s", "{\"category\":\"c\"}"));
    }

    @Test
    void ts_at_most_one_hour_in_the_future() {
        accepted(event(id(), Instant.now().plus(Duration.ofMinutes(55)).toString(), "session.start", "s", "{\"category\":\"c\"}"));
        refused(event(id(), Instant.now().plus(Duration.ofMinutes(65)).toString(), "session.start", "s", "{\"category\":\"c\"}"), "ts_in_future");
    }

    @Test
    void ts_not_older_than_the_retention_horizon() {
        accepted(event(id(), Instant.now().minus(Duration.ofDays(399)).toString(), "session.start", "s", "{\"category\":\"c\"}"));
        refused(event(id(), Instant.now().minus(Duration.ofDays(401)).toString(), "session.start", "s", "{\"category\":\"c\"}"), "ts_too_old");
    }

    @Test
    void category_session_id_and_tool_names_are_at_most_128_characters() {
        accepted(event("session.start", "s", "{\"category\":\"" + chars(128) + "\"}"));
        refused(event("session.start", "s", "{\"category\":\"" + chars(129) + "\"}"), "string_too_long");
        accepted(event("session.start", chars(128), "{\"category\":\"c\"}"));
        refused(event("session.start", chars(129), "{\"category\":\"c\"}"), "string_too_long");
        accepted(event("session.end", "s", "{\"status\":\"success\",\"tool_calls\":[{\"name\":\"" + chars(128) + "\",\"ms\":1,\"ok\":true}]}"));
        refused(event("session.end", "s", "{\"status\":\"success\",\"tool_calls\":[{\"name\":\"" + chars(129) + "\",\"ms\":1,\"ok\":true}]}"), "string_too_long");
    }

    @Test
    void string_limits_count_characters_not_bytes() {
        accepted(event("session.start", "s", "{\"category\":\"" + "😀".repeat(128) + "\"}"));
    }

    @Test
    void error_message_is_at_most_2000_characters() {
        accepted(event("error", null, "{\"message\":\"" + chars(2000) + "\",\"kind\":\"TimeoutError\"}"));
        refused(event("error", null, "{\"message\":\"" + chars(2001) + "\",\"kind\":\"TimeoutError\"}"), "string_too_long");
    }

    @Test
    void summary_raw_is_at_most_4000_characters() {
        accepted(event("session.end", "s", "{\"status\":\"success\",\"summary_raw\":\"" + chars(4000) + "\"}"));
        refused(event("session.end", "s", "{\"status\":\"success\",\"summary_raw\":\"" + chars(4001) + "\"}"), "string_too_long");
    }

    @Test
    void tool_calls_hold_at_most_1000_entries() {
        accepted(event("session.end", "s", "{\"status\":\"success\",\"tool_calls\":" + calls(1000) + "}"));
        refused(event("session.end", "s", "{\"status\":\"success\",\"tool_calls\":" + calls(1001) + "}"), "too_many_tool_calls");
    }

    private static String calls(int n) {
        var sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"name\":\"t\",\"ms\":1,\"ok\":true}");
        }
        return sb.append(']').toString();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"status\":\"success\",\"duration_ms\":-1}",
            "{\"status\":\"success\",\"tool_calls\":[{\"name\":\"t\",\"ms\":-5,\"ok\":true}]}",
            "{\"status\":\"success\",\"llm_usage\":{\"model\":\"m\",\"input_tokens\":-1,\"output_tokens\":1,\"cost_cents\":1}}",
            "{\"status\":\"success\",\"llm_usage\":[{\"model\":\"m\",\"input_tokens\":1,\"output_tokens\":-1,\"cost_cents\":1}]}",
            "{\"status\":\"success\",\"llm_usage\":{\"model\":\"m\",\"input_tokens\":1,\"output_tokens\":1,\"cost_cents\":-0.5}}"})
    void token_counts_and_durations_are_not_negative(String payload) {
        refused(event("session.end", "s", payload), "negative_value");
    }

    @Test
    void heartbeat_counts_are_not_negative() {
        refused(event("heartbeat", null, "{\"agent_version\":\"1\",\"pid_uptime_s\":-1}"), "negative_value");
        refused(event("heartbeat", null, "{\"dropped_events_since_last\":-3}"), "negative_value");
    }

    @Test
    void per_type_required_fields_and_types() {
        refused(event("session.start", "s", "{}"), "missing_field");
        refused(event("session.start", null, "{\"category\":\"c\"}"), "missing_field");
        // A session.end may leave its status to the session's updates (README "Granular events"), never its session.
        refused(event("session.end", null, "{}"), "missing_field");
        refused(event("session.end", "s", "{\"status\":42}"), "invalid_field");
        refused(event("session.end", "s", "{\"status\":\"exploded\"}"), "invalid_field");
        refused(event("session.end", "s", "{\"status\":\"success\",\"duration_ms\":\"fast\"}"), "invalid_field");
        refused(event("session.end", "s", "{\"status\":\"success\",\"duration_ms\":1.5}"), "invalid_field");
        refused(event("session.end", "s", "{\"status\":\"success\",\"tool_calls\":{}}"), "invalid_field");
        refused(event("session.end", "s", "{\"status\":\"success\",\"tool_calls\":[{\"name\":\"t\",\"ok\":\"yes\"}]}"), "invalid_field");
        refused(event("error", null, "{\"message\":\"m\",\"stack_hash\":\"md5:abc\"}"), "invalid_field");
        refused(event("session.start", "s", "[1]"), "invalid_payload");
        refused(event("session.start", "s", "{\"category\":42}"), "invalid_field");
        refused(event("made.up", "s", "{}"), "unknown_event_type");
        accepted(event("error", null, "{\"message\":\"m\",\"kind\":\"K\",\"stack_hash\":\"sha256:" + "a".repeat(64) + "\"}"));
    }

    @Test
    void extra_payload_fields_are_kept() {
        String id = id();
        accepted(event(id, now(), "session.start", "s", "{\"category\":\"c\",\"tenant_region\":\"eu\",\"nested\":{\"n\":[1,2]}}"));
        assertEquals("eu", brain.query("select payload->>'tenant_region' from events where event_id = '" + id + "'", rs -> rs.getString(1)).get(0));
    }
}
