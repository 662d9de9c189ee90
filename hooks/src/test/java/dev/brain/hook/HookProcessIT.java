package dev.brain.hook;

import dev.brain.sdk.e2e.RealBrain;
import dev.brain.sdk.internal.JsonReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged jar, one process per hook event, against a real brain on PostgreSQL. */
class HookProcessIT {
    /**
     * How much longer than a hook that talks to no one, run just before, a budgeted hook may take: its 1 s default
     * budget (counted from main), and 1 s for the JVM's start varying with the machine's load between two runs.
     */
    private static final long BUDGET_AND_LOAD_MS = 1000 + 1000;
    private static RealBrain brain;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBrain() throws Exception {
        HookRunner.jar();
        brain = RealBrain.provision(HookBrain.PROFILE, Map.of()).start();
    }

    @AfterAll
    static void stopBrain() throws Exception {
        if (brain != null) {
            brain.close();
        }
    }

    /**
     * Hooks that wait for delivery as long as a loaded machine needs (they return as soon as it is done), so what
     * arrives can be checked without racing the 1 s default budgets; the budget test keeps those.
     */
    private HookRunner hook(RealBrain to) {
        return withDefaultBudgets(to).env("BRAIN_HOOK_START_BUDGET_MS", "30000").env("BRAIN_HOOK_END_BUDGET_MS", "30000");
    }

    private HookRunner withDefaultBudgets(RealBrain to) {
        return new HookRunner(Map.of("BRAIN_API_KEY", to.apiKey(), "BRAIN_ENDPOINT", to.endpoint(),
                "BRAIN_SPOOL_DIR", dir.resolve("spool").toString(), "BRAIN_CATEGORY", "refactoring"));
    }

    /** One hook payload as Claude Code writes it: compact JSON on one line, common fields first. */
    static String payload(String session, Path transcript, String event, String... more) {
        StringBuilder b = new StringBuilder("{\"session_id\":\"" + session + "\",\"transcript_path\":\"" + transcript
                + "\",\"cwd\":\"/home/dev/acme-billing\",\"permission_mode\":\"default\",\"hook_event_name\":\"" + event + "\"");
        for (String m : more) {
            b.append(',').append(m);
        }
        return b.append('}').toString();
    }

    private static void ok(HookRunner.Result r) {
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("", r.stdout());
    }

    @Test
    void a_session_lands_in_the_brain_as_the_fixtures_imply_to_the_token() throws Exception {
        String session = UUID.randomUUID().toString();
        Path transcript = dir.resolve("projects");
        Files.createDirectories(transcript);
        HookRunner hook = hook(brain);
        // The transcript is written as the session goes; the hooks only read it at the end.
        Path main = transcript.resolve(session + ".jsonl");
        long began = System.nanoTime();
        ok(hook.run(payload(session, main, "SessionStart", "\"source\":\"startup\"", "\"model\":\"claude-sonnet-4-5-20250929\"")));
        TranscriptFixture.write(transcript, session);
        ok(hook.run(payload(session, main, "PreToolUse", "\"tool_name\":\"Read\"", "\"tool_use_id\":\"toolu_01\"",
                "\"tool_input\":{\"file_path\":\"/p/FooTest.java\"}")));
        ok(hook.run(payload(session, main, "PostToolUse", "\"tool_name\":\"Read\"", "\"tool_use_id\":\"toolu_01\"",
                "\"tool_input\":{\"file_path\":\"/p/FooTest.java\"}", "\"tool_response\":{\"file\":{\"content\":\"x\\\"}\"}}",
                "\"duration_ms\":12")));
        ok(hook.run(payload(session, main, "PreToolUse", "\"tool_name\":\"Bash\"", "\"tool_use_id\":\"toolu_02\"")));
        ok(hook.run(payload(session, main, "PostToolUseFailure", "\"tool_name\":\"Bash\"", "\"tool_use_id\":\"toolu_02\"",
                "\"error\":\"Exit code 1\\nBUILD FAILURE\"", "\"is_interrupt\":false", "\"duration_ms\":4100")));
        // A subagent's tool call carries the parent's session_id; this one has no duration_ms (older CLI): paired with PreToolUse.
        ok(hook.run(payload(session, main, "PreToolUse", "\"agent_id\":\"a1b2c3\"", "\"tool_name\":\"Grep\"", "\"tool_use_id\":\"toolu_s1\"")));
        ok(hook.run(payload(session, main, "PostToolUse", "\"agent_id\":\"a1b2c3\"", "\"tool_name\":\"Grep\"", "\"tool_use_id\":\"toolu_s1\"",
                "\"tool_response\":{\"matches\":[\"Foo.java\"]}")));
        ok(hook.run(payload(session, main, "Notification", "\"notification_type\":\"auth_success\"", "\"message\":\"ok\"")));
        ok(hook.run(payload(session, main, "SessionStart", "\"source\":\"compact\"")));
        ok(hook.run(payload(session, main, "Notification", "\"notification_type\":\"permission_prompt\"",
                "\"message\":\"Claude needs your permission to use Bash\"")));
        ok(hook.run(payload(session, main, "PostToolBatch")));
        ok(hook.run(payload(session, main, "SessionEnd", "\"reason\":\"prompt_input_exit\"")));
        long tookMillis = (System.nanoTime() - began) / 1_000_000;

        List<Map<String, Object>> events = events(brain, session, 2);
        assertEquals(List.of("session.start", "session.end"), types(events));
        Map<String, Object> start = payloadOf(events.get(0));
        assertEquals(Map.of("category", "refactoring", "source", "claude-code:startup", "model", "claude-sonnet-4-5-20250929"), start);

        Map<String, Object> end = payloadOf(events.get(1));
        assertEquals("escalated", end.get("status"));
        assertEquals("refactoring", end.get("category"));
        assertEquals("prompt_input_exit", end.get("end_reason"));
        assertEquals("Claude needs your permission to use Bash", end.get("failure_reason"));
        assertEquals(TranscriptFixture.SUMMARY, end.get("summary_raw"));
        long duration = (Long) end.get("duration_ms");
        assertTrue(duration > 0 && duration <= tookMillis, "duration_ms " + duration + " of a session that took " + tookMillis + " ms");

        List<?> calls = (List<?>) end.get("tool_calls");
        assertEquals(3, calls.size());
        assertEquals(Map.of("name", "Read", "ms", 12L, "ok", true), calls.get(0));
        assertEquals(Map.of("name", "Bash", "ms", 4100L, "ok", false), calls.get(1));
        Map<?, ?> grep = (Map<?, ?>) calls.get(2);
        assertEquals("Grep", grep.get("name"));
        assertEquals(true, grep.get("ok"));
        assertTrue((Long) grep.get("ms") > 0, "timed from its PreToolUse: " + grep);

        List<?> usage = (List<?>) end.get("llm_usage");
        assertEquals(3, usage.size());
        assertUsage(usage.get(0), "claude-sonnet-4-5-20250929", TranscriptFixture.SONNET_INPUT, TranscriptFixture.SONNET_OUTPUT,
                TranscriptFixture.SONNET_CENTS, "price-table");
        assertUsage(usage.get(1), "claude-haiku-4-5-20251001", TranscriptFixture.HAIKU_INPUT, TranscriptFixture.HAIKU_OUTPUT,
                TranscriptFixture.HAIKU_CENTS, "price-table");
        Map<?, ?> unknown = (Map<?, ?>) usage.get(2);
        assertEquals("claude-opus-5-5", unknown.get("model"));
        assertEquals(3L, unknown.get("input_tokens"));
        assertEquals(4L, unknown.get("output_tokens"));
        assertTrue(unknown.containsKey("cost_cents"));
        assertNull(unknown.get("cost_cents"), "an unknown model is unpriced, never free");
        assertEquals(List.of("claude-opus-5-5"), end.get("unpriced_models"));
        Map<?, ?> sonnet = (Map<?, ?>) usage.get(0);
        assertEquals(310L, sonnet.get("cache_read_input_tokens"));
        assertEquals(120L, sonnet.get("cache_creation_input_tokens"));
        assertEquals(27L, sonnet.get("uncached_input_tokens"));
        assertFalse(Files.list(dir.resolve("spool").resolve("sessions")).findAny().isPresent(), "the session log is gone");
    }

    @Test
    void a_stop_failure_fails_the_session_over_an_earlier_permission_request_and_records_an_error() throws Exception {
        String session = UUID.randomUUID().toString();
        Path main = dir.resolve(session + ".jsonl");
        Files.writeString(main, "{\"type\":\"cost-state\",\"modelUsage\":{},\"hasUnknownModelCost\":false}\n");
        HookRunner hook = hook(brain);
        ok(hook.run(payload(session, main, "SessionStart", "\"source\":\"startup\"")));
        ok(hook.run(payload(session, main, "PermissionRequest", "\"tool_name\":\"Bash\"", "\"tool_input\":{\"command\":\"rm -rf build\"}")));
        ok(hook.run(payload(session, main, "StopFailure", "\"error\":\"rate_limit\"",
                "\"error_details\":\"429 {\\\"type\\\":\\\"error\\\",\\\"error\\\":{\\\"type\\\":\\\"rate_limit_error\\\"}}\"",
                "\"last_assistant_message\":\"API Error: Rate limit reached\"")));
        ok(hook.run(payload(session, main, "SessionEnd", "\"reason\":\"other\"")));

        List<Map<String, Object>> events = events(brain, session, 3);
        assertEquals(List.of("session.start", "error", "session.end"), types(events));
        Map<String, Object> error = payloadOf(events.get(1));
        assertEquals("claude_code.rate_limit", error.get("kind"));
        assertTrue(((String) error.get("message")).startsWith("429 "));
        assertTrue(((String) error.get("stack_hash")).matches("sha256:[0-9a-f]{64}"));
        Map<String, Object> end = payloadOf(events.get(2));
        assertEquals("failed", end.get("status"));
        assertTrue(((String) end.get("failure_reason")).startsWith("rate_limit: 429"));
        assertEquals(List.of(), end.get("llm_usage"));
    }

    @Test
    void without_brain_category_the_category_is_the_project_folder() throws Exception {
        String session = UUID.randomUUID().toString();
        HookRunner hook = new HookRunner(Map.of("BRAIN_API_KEY", brain.apiKey(), "BRAIN_ENDPOINT", brain.endpoint(),
                "BRAIN_SPOOL_DIR", dir.resolve("spool").toString(), "BRAIN_HOOK_START_BUDGET_MS", "30000",
                "BRAIN_HOOK_END_BUDGET_MS", "30000"));
        ok(hook.run(payload(session, dir.resolve("none.jsonl"), "SessionStart", "\"source\":\"resume\"")));
        ok(hook.run(payload(session, dir.resolve("none.jsonl"), "SessionEnd", "\"reason\":\"logout\"")));

        List<Map<String, Object>> events = events(brain, session, 2);
        assertEquals(Map.of("category", "acme-billing", "source", "claude-code:resume"), payloadOf(events.get(0)));
        Map<String, Object> end = payloadOf(events.get(1));
        assertEquals("success", end.get("status"));
        assertEquals(List.of(), end.get("tool_calls"));
        assertFalse(end.containsKey("summary_raw"));
    }

    @Test
    void whatever_arrives_on_stdin_the_hook_reads_it_all_prints_nothing_and_exits_0() throws Exception {
        String session = UUID.randomUUID().toString();
        Path missing = dir.resolve("never-written.jsonl");
        HookRunner hook = hook(brain);
        byte[] huge = payload(session, missing, "PostToolUse", "\"tool_name\":\"Read\"", "\"duration_ms\":5",
                "\"tool_response\":{\"content\":\"" + "x".repeat(20 << 20) + "\"}").getBytes();
        List<byte[]> inputs = new ArrayList<>(List.of("".getBytes(), "garbage\u0000\u00ff".getBytes(), "{\"session_id\":".getBytes(),
                "[1,2,3]".getBytes(), "{\"hook_event_name\":\"SessionEnd\"}".getBytes(), new byte[] {(byte) 0xc3, (byte) 0x28},
                payload(session, missing, "SomeFutureEvent", "\"x\":{\"y\":[1]}").getBytes(),
                payload(session, missing, "UserPromptSubmit", "\"prompt\":\"hi\"").getBytes(),
                payload(session, missing, "PostToolUse", "\"tool_name\":\"Edit\"", "\"tool_response\":{\"cut").getBytes(),
                huge));
        inputs.add(payload(session, missing, "SessionEnd", "\"reason\":\"other\"").getBytes());
        for (byte[] in : inputs) {
            HookRunner.Result r = hook.run(in);
            assertEquals(0, r.exit(), r.stderr());
            assertEquals("", r.stdout());
            assertEquals("", r.stderr());
        }

        // The missing transcript still yields a session: a late start, and an end with the tool calls the hooks saw.
        List<Map<String, Object>> events = events(brain, session, 2);
        assertEquals(List.of("session.start", "session.end"), types(events));
        assertEquals("claude-code:unseen-start", payloadOf(events.get(0)).get("source"));
        Map<String, Object> end = payloadOf(events.get(1));
        assertEquals(List.of(Map.of("name", "Edit", "ms", 0L, "ok", true), Map.of("name", "Read", "ms", 5L, "ok", true)),
                end.get("tool_calls"));
        assertEquals(List.of(), end.get("llm_usage"));
    }

    @Test
    void session_end_keeps_its_budget_with_the_brain_down_and_a_later_hook_sends_what_was_left() throws Exception {
        try (RealBrain down = RealBrain.provision(HookBrain.PROFILE, Map.of())) {
            String session = UUID.randomUUID().toString();
            Path main = TranscriptFixture.write(dir, session);
            HookRunner hook = withDefaultBudgets(down);
            ok(hook.run(payload(session, main, "SessionStart", "\"source\":\"startup\"")));
            long idle = idleMillis(hook, session);
            HookRunner.Result end = hook.run(payload(session, main, "SessionEnd", "\"reason\":\"other\""));
            ok(end);
            assertTrue(end.millis() < idle + BUDGET_AND_LOAD_MS,
                    "SessionEnd took " + end.millis() + " ms with the brain down, a hook doing nothing " + idle + " ms");
            assertTrue(down.rows().isEmpty());

            down.start();
            String next = UUID.randomUUID().toString();
            idle = idleMillis(hook, next);
            HookRunner.Result start = hook.run(payload(next, dir.resolve(next + ".jsonl"), "SessionStart", "\"source\":\"startup\""));
            ok(start);
            assertTrue(start.millis() < idle + BUDGET_AND_LOAD_MS, "SessionStart took " + start.millis() + " ms, a hook doing nothing " + idle + " ms");
            // On a loaded machine that 1 s may not send it all; what is left goes with the next hook that talks to the brain.
            if (read(down, session).size() < 2) {
                String another = UUID.randomUUID().toString();
                ok(hook(down).run(payload(another, dir.resolve(another + ".jsonl"), "SessionStart", "\"source\":\"startup\"")));
            }
            List<Map<String, Object>> events = events(down, session, 2);
            assertEquals(List.of("session.start", "session.end"), types(events));
            List<?> usage = (List<?>) payloadOf(events.get(1)).get("llm_usage");
            assertEquals(TranscriptFixture.SONNET_OUTPUT, ((Map<?, ?>) usage.get(0)).get("output_tokens"));
        }
    }

    @Test
    void a_session_whose_claude_code_died_is_ended_by_the_next_session_start() throws Exception {
        String lost = UUID.randomUUID().toString();
        Path main = TranscriptFixture.write(dir, lost);
        // `timeout` stands in for Claude Code: the first ancestor of the hook that is not a shell, gone once the hook exits.
        HookRunner hook = hook(brain).via("timeout", "30");
        ok(hook.run(payload(lost, main, "SessionStart", "\"source\":\"startup\"")));
        ok(hook.run(payload(lost, main, "PostToolUse", "\"tool_name\":\"Bash\"", "\"duration_ms\":30")));
        Instant lastSeen = Files.getLastModifiedTime(dir.resolve("spool").resolve("sessions").resolve(lost + ".log")).toInstant();
        String alive = UUID.randomUUID().toString();
        HookRunner live = hook(brain);
        ok(live.run(payload(alive, dir.resolve(alive + ".jsonl"), "SessionStart", "\"source\":\"startup\"")));
        String other = UUID.randomUUID().toString();
        ok(hook(brain).run(payload(other, dir.resolve(other + ".jsonl"), "SessionStart", "\"source\":\"startup\"")));

        List<Map<String, Object>> events = events(brain, lost, 2);
        assertEquals(List.of("session.start", "session.end"), types(events));
        Map<String, Object> end = payloadOf(events.get(1));
        assertEquals("abandoned", end.get("end_reason"));
        assertEquals(List.of(Map.of("name", "Bash", "ms", 30L, "ok", true)), end.get("tool_calls"));
        assertEquals(TranscriptFixture.SUMMARY, end.get("summary_raw"));
        assertEquals(lastSeen.toEpochMilli(), Instant.parse((String) events.get(1).get("ts")).toEpochMilli(), 1000);
        // The session whose Claude Code is still running (this JVM) is left alone.
        assertEquals(List.of("session.start"), types(events(brain, alive, 1)));
    }

    /** How long a hook that records nothing and talks to no one takes right now: mostly the JVM's start. */
    private static long idleMillis(HookRunner hook, String session) throws Exception {
        HookRunner.Result idle = hook.run(payload(session, Path.of("none.jsonl"), "UserPromptSubmit", "\"prompt\":\"hi\""));
        ok(idle);
        return idle.millis();
    }

    static void assertUsage(Object entry, String model, long input, long output, double cents, String basis) {
        Map<?, ?> u = (Map<?, ?>) entry;
        assertEquals(model, u.get("model"));
        assertEquals(input, u.get("input_tokens"), model + " input");
        assertEquals(output, u.get("output_tokens"), model + " output");
        assertEquals(cents, ((Number) u.get("cost_cents")).doubleValue(), 1e-9, model + " cost");
        assertEquals(basis, u.get("cost_basis"));
    }

    /** The session's rows once at least {@code count} have arrived (up to 60 s), plus any that follow within 300 ms. */
    static List<Map<String, Object>> events(RealBrain brain, String session, int count) throws Exception {
        return events(brain, session, count, 60);
    }

    static List<Map<String, Object>> events(RealBrain brain, String session, int count, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Map<String, Object>> events = read(brain, session);
        while (events.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
            events = read(brain, session);
        }
        Thread.sleep(300);
        return read(brain, session);
    }

    /** The session's rows as they are now. */
    static List<Map<String, Object>> read(RealBrain brain, String session) throws Exception {
        List<Map<String, Object>> events = new ArrayList<>();
        for (String[] row : brain.rows()) {
            if (session.equals(row[2])) {
                events.add(Map.of("event_type", row[1], "payload", JsonReader.parse(row[3]), "ts", row[4]));
            }
        }
        return events;
    }

    static List<Object> types(List<Map<String, Object>> events) {
        return Arrays.asList(events.stream().map(e -> e.get("event_type")).toArray());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> payloadOf(Map<String, Object> event) {
        return (Map<String, Object>) event.get("payload");
    }
}
