package dev.brain.sdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.brain.sdk.FakeTransport.payload;
import static dev.brain.sdk.Fixtures.builder;
import static dev.brain.sdk.Fixtures.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionTest {
    @TempDir
    Path spool;

    @Test
    void a_session_emits_start_and_end_with_everything_recorded() {
        FakeTransport transport = new FakeTransport();
        String id;
        try (Brain brain = builder(transport, spool).build()) {
            try (Session s = brain.session("support", "email")) {
                id = s.id();
                s.tool("search_kb", 120, true).tool("send_email", Duration.ofMillis(45), false);
                s.llm("claude-haiku-4-5", 100, 20, 0.5).llm("claude-sonnet-4-5", 1000, 200, 3.0);
                s.llm("claude-haiku-4-5", 50, 10, 0.25);
                s.summary("Refund for order 123");
                s.attribute("ticket_count", 2);
            }
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        List<Map<String, Object>> events = transport.events();
        Map<String, Object> start = ofType(events, "session.start").get(0);
        assertEquals(id, start.get("session_id"));
        assertEquals(Map.of("category", "support", "source", "email"), payload(start));
        Map<String, Object> end = payload(ofType(events, "session.end").get(0));
        assertEquals("success", end.get("status"));
        assertTrue(((Double) end.get("duration_ms")) >= 0);
        assertEquals(List.of(Map.of("name", "search_kb", "ms", 120.0, "ok", true),
                Map.of("name", "send_email", "ms", 45.0, "ok", false)), end.get("tool_calls"));
        assertEquals(List.of(
                Map.of("model", "claude-haiku-4-5", "input_tokens", 150.0, "output_tokens", 30.0, "cost_cents", 0.75),
                Map.of("model", "claude-sonnet-4-5", "input_tokens", 1000.0, "output_tokens", 200.0, "cost_cents", 3.0)),
                end.get("llm_usage"));
        assertEquals("Refund for order 123", end.get("summary_raw"));
        assertEquals(2.0, end.get("ticket_count"));
        Map<String, Object> any = events.get(0);
        assertTrue(((String) any.get("event_id")).matches("[0-9a-f-]{36}"));
        assertTrue(((String) any.get("ts")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"));
    }

    @Test
    void fail_and_escalate_set_the_status_and_a_failure_is_final() {
        FakeTransport transport = new FakeTransport();
        try (Brain brain = builder(transport, spool).build()) {
            brain.session("a").escalate("needs a human").close();
            brain.session("b").fail("tool broke").escalate("too late").close();
            Session closedTwice = brain.session("c");
            closedTwice.close();
            closedTwice.fail("after close is ignored").close();
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        List<Map<String, Object>> ends = ofType(transport.events(), "session.end");
        assertEquals(3, ends.size());
        assertEquals("escalated", payload(ends.get(0)).get("status"));
        assertEquals("needs a human", payload(ends.get(0)).get("failure_reason"));
        assertEquals("failed", payload(ends.get(1)).get("status"));
        assertEquals("tool broke", payload(ends.get(1)).get("failure_reason"));
        assertEquals("success", payload(ends.get(2)).get("status"));
    }

    @Test
    void an_exception_escaping_run_fails_the_session_records_an_error_and_is_rethrown_unchanged() {
        FakeTransport transport = new FakeTransport();
        IOException thrown = new IOException("mailbox 42 unreachable");
        try (Brain brain = builder(transport, spool).build()) {
            IOException caught = assertThrows(IOException.class, () -> brain.run("inbox", s -> {
                s.tool("imap", 5, false);
                throw thrown;
            }));
            assertSame(thrown, caught);
            assertEquals("ok", brain.call("inbox", s -> "ok"));
            assertThrows(IllegalStateException.class, () -> brain.call("inbox", s -> {
                throw new IllegalStateException("boom");
            }));
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        List<Map<String, Object>> events = transport.events();
        List<Map<String, Object>> errors = ofType(events, "error");
        assertEquals(2, errors.size());
        Map<String, Object> error = payload(errors.get(0));
        assertEquals("java.io.IOException", error.get("kind"));
        assertEquals("mailbox 42 unreachable", error.get("message"));
        assertTrue(((String) error.get("stack_hash")).matches("sha256:[0-9a-f]{64}"));
        assertFalse(error.toString().contains("at dev.brain"), "never the trace");
        List<Map<String, Object>> ends = ofType(events, "session.end");
        assertEquals(List.of("failed", "success", "failed"),
                ends.stream().map(e -> payload(e).get("status")).collect(java.util.stream.Collectors.toList()));
        assertEquals(errors.get(0).get("session_id"), ends.get(0).get("session_id"));
        assertNotEquals(ends.get(0).get("session_id"), ends.get(1).get("session_id"));
    }

    @Test
    void the_same_failure_with_a_different_message_has_the_same_stack_hash() {
        FakeTransport transport = new FakeTransport();
        try (Brain brain = builder(transport, spool).build()) {
            for (String order : new String[] {"order 1", "order 2"}) {
                brain.session("x").fail(failure(order)).close();
            }
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        List<Map<String, Object>> errors = ofType(transport.events(), "error");
        assertEquals(payload(errors.get(0)).get("stack_hash"), payload(errors.get(1)).get("stack_hash"));
    }

    private static RuntimeException failure(String message) {
        return new IllegalArgumentException(message);
    }

    @Test
    void run_with_a_disabled_client_still_runs_the_body() {
        Brain disabled = new Brain.Builder(name -> null).build();
        assertFalse(disabled.isEnabled());
        int[] ran = {0};
        disabled.run("x", s -> ran[0]++);
        assertEquals(1, ran[0]);
        assertEquals(Integer.valueOf(7), disabled.<Integer, RuntimeException>call("x", s -> 7));
        assertTrue(disabled.flush(Duration.ofSeconds(1)));
        disabled.close();
    }
}
