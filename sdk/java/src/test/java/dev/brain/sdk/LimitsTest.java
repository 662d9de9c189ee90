package dev.brain.sdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.brain.sdk.FakeTransport.payload;
import static dev.brain.sdk.Fixtures.builder;
import static dev.brain.sdk.Fixtures.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The brain's limits (SPEC §4.2) are applied before sending, so events are not rejected. */
class LimitsTest {
    @TempDir
    Path spool;

    private static int jsonBytes(Object payload) {
        StringBuilder sb = new StringBuilder();
        dev.brain.sdk.internal.Json.value(sb, payload, dev.brain.sdk.internal.Json.Caps.NORMAL);
        return sb.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void long_strings_are_cut_to_the_brains_limits() {
        FakeTransport transport = new FakeTransport();
        try (Brain brain = builder(transport, spool).build()) {
            Session s = brain.session("c".repeat(500), "s".repeat(500));
            s.tool("t".repeat(500), 1, true).summary("x".repeat(10_000)).fail("r".repeat(5000));
            s.close();
            brain.track("error", "sess_" + "i".repeat(300), Map.of("message", "m".repeat(5000), "kind", "k", "stack_hash", "sha256:00"));
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        List<Map<String, Object>> events = transport.events();
        Map<String, Object> start = payload(ofType(events, "session.start").get(0));
        assertEquals(128, ((String) start.get("category")).length());
        Map<String, Object> end = payload(ofType(events, "session.end").get(0));
        assertEquals(4000, ((String) end.get("summary_raw")).length());
        assertEquals(2000, ((String) end.get("failure_reason")).length());
        assertEquals(128, ((String) ((Map<?, ?>) ((List<?>) end.get("tool_calls")).get(0)).get("name")).length());
        Map<String, Object> error = ofType(events, "error").get(0);
        assertEquals(2000, ((String) payload(error).get("message")).length());
        assertEquals(128, ((String) error.get("session_id")).length());
    }

    @Test
    void numbers_are_capped_to_the_brains_bounds() {
        FakeTransport transport = new FakeTransport();
        try (Brain brain = builder(transport, spool).build()) {
            Session s = brain.session("c");
            s.tool("t", Duration.ofSeconds(Long.MAX_VALUE), true);
            s.llm("m", Long.MAX_VALUE, 5, 1e300).llm("m", Long.MAX_VALUE, Long.MAX_VALUE, 1e300);
            s.close();
            assertTrue(brain.flush(Duration.ofSeconds(5)));
        }
        Map<String, Object> end = payload(ofType(transport.events(), "session.end").get(0));
        assertEquals(31_622_400_000d, ((Map<?, ?>) ((List<?>) end.get("tool_calls")).get(0)).get("ms"));
        Map<?, ?> usage = (Map<?, ?>) ((List<?>) end.get("llm_usage")).get(0);
        assertEquals(List.of(1e12, 1e12, 1e9), List.of(usage.get("input_tokens"), usage.get("output_tokens"), usage.get("cost_cents")));
    }

    @Test
    void a_session_with_too_many_tool_calls_still_fits_in_32_kib() {
        FakeTransport transport = new FakeTransport();
        try (Brain brain = builder(transport, spool).build()) {
            Session s = brain.session("bulk");
            for (int i = 0; i < 1500; i++) {
                s.tool("tool_" + "n".repeat(120) + i, i, i % 2 == 0);
            }
            s.close();
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        Map<String, Object> end = payload(ofType(transport.events(), "session.end").get(0));
        int kept = ((List<?>) end.get("tool_calls")).size();
        assertTrue(kept > 0 && kept < 1000, "kept " + kept);
        assertEquals(1500.0, kept + (Double) end.get("tool_calls_dropped"));
        assertTrue(jsonBytes(end) <= 32 * 1024);
    }

    @Test
    void an_oversized_track_payload_is_shrunk_and_nul_characters_replaced() {
        FakeTransport transport = new FakeTransport();
        try (Brain brain = builder(transport, spool).build()) {
            brain.track("session.start", "s", Map.of("category", "a\u0000b", "blob", "z".repeat(100_000)));
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        Map<String, Object> p = payload(transport.events().get(0));
        assertEquals("a\uFFFDb", p.get("category"));
        assertTrue(jsonBytes(p) <= 32 * 1024);
    }
}
