package dev.brain.hook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TranscriptTest {
    @TempDir
    Path dir;

    @Test
    void each_response_counts_once_with_its_largest_output_and_synthetic_lines_count_never() throws Exception {
        Transcript.Result t = Transcript.read(TranscriptFixture.write(dir, "s1"), Map.of());

        assertEquals(List.of("claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001", "claude-opus-5-5"),
                List.copyOf(t.usage().keySet()));
        Usage sonnet = t.usage().get("claude-sonnet-4-5-20250929");
        assertEquals(new Usage("claude-sonnet-4-5-20250929", 27, 100, 20, 310, 83), sonnet);
        assertEquals(TranscriptFixture.SONNET_INPUT, sonnet.allInput());
        assertEquals(new Usage("claude-haiku-4-5-20251001", 120, 0, 0, 30, 23), t.usage().get("claude-haiku-4-5-20251001"));
        assertEquals(TranscriptFixture.SUMMARY, Text.oneLine(t.lastAssistantText(), 4000));
        assertEquals("2026-04-29T10:00:00Z", t.firstTimestamp().toString());
        assertTrue(t.costUsd().isEmpty());
    }

    @Test
    void a_finished_tool_call_whose_async_hook_has_not_landed_is_taken_from_the_transcript() throws Exception {
        Path main = dir.resolve("s3.jsonl");
        Files.writeString(main, String.join("\n",
                "{\"type\":\"assistant\",\"timestamp\":\"2026-04-29T10:00:00Z\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-haiku-4-5\","
                        + "\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_logged\",\"name\":\"Read\",\"input\":{}},"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_late\",\"name\":\"Bash\",\"input\":{}},"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_open\",\"name\":\"Grep\",\"input\":{}}],"
                        + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}",
                "{\"type\":\"user\",\"timestamp\":\"2026-04-29T10:00:02.500Z\",\"message\":{\"role\":\"user\",\"content\":["
                        + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_logged\",\"content\":\"x\"},"
                        + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_late\",\"content\":\"exit 2\",\"is_error\":true}]}}") + "\n");
        Transcript.Result t = Transcript.read(main, Map.of());
        List<SessionRecord> log = List.of(SessionRecord.read(new String[] {"tool", "1", "Read", "40", "1", "toolu_logged"}));

        Object calls = EndPayload.build(log, t, Prices.load(null), "c", 1000, "other").get("tool_calls");

        // The logged call as logged; the late one from the transcript (2.5 s, failed); the unfinished one not at all.
        assertEquals(List.of(Map.of("name", "Read", "ms", 40L, "ok", true), Map.of("name", "Bash", "ms", 2500L, "ok", false)), calls);
        List<SessionRecord> unidentified = List.of(SessionRecord.read(new String[] {"tool", "1", "Read", "40", "1", ""}));
        assertEquals(1, ((List<?>) EndPayload.build(unidentified, t, Prices.load(null), "c", 1000, "other").get("tool_calls")).size(),
                "without tool_use_ids nothing is matched, so nothing is added twice");
    }

    @Test
    void the_price_table_prices_by_family_and_leaves_unknown_models_unpriced() throws Exception {
        Prices prices = Prices.load(null);
        Transcript.Result t = Transcript.read(TranscriptFixture.write(dir, "s1"), Map.of());

        assertEquals(TranscriptFixture.SONNET_CENTS, prices.cents(t.usage().get("claude-sonnet-4-5-20250929")), 1e-9);
        assertEquals(TranscriptFixture.HAIKU_CENTS, prices.cents(t.usage().get("claude-haiku-4-5-20251001")), 1e-9);
        assertNull(prices.cents(t.usage().get("claude-opus-5-5")));
        assertEquals(15, prices.of("claude-opus-4-20250514").input());
        assertEquals(5, prices.of("claude-opus-4-6[1m]").input());
        assertEquals(3, prices.of("us.anthropic.claude-sonnet-4-5-20250929-v1:0").input());
        assertNull(prices.of("claude-opus-45"));
    }

    @Test
    void a_resumed_session_counts_only_what_follows_and_the_client_cost_since_then() throws Exception {
        Path main = dir.resolve("s2.jsonl");
        String before = assistant("msg_old", "claude-haiku-4-5", 1000, 1000, "old answer") + "\n"
                + "{\"type\":\"cost-state\",\"modelUsage\":{\"claude-haiku-4-5\":{\"costUSD\":0.5}}}\n";
        Files.writeString(main, before + assistant("msg_new", "claude-haiku-4-5", 10, 20, "new answer") + "\n"
                + "{\"type\":\"cost-state\",\"modelUsage\":{\"claude-haiku-4-5\":{\"costUSD\":0.75}},\"hasUnknownModelCost\":false}\n");

        Transcript.Result t = Transcript.read(main, Map.of(main.toString(), (long) before.length()));

        assertEquals(new Usage("claude-haiku-4-5", 10, 0, 0, 0, 20), t.usage().get("claude-haiku-4-5"));
        assertEquals(0.25, t.costUsd().get("claude-haiku-4-5"), 1e-9);
        assertEquals("new answer", t.lastAssistantText());
    }

    @Test
    void a_missing_transcript_reads_as_nothing() {
        Transcript.Result t = Transcript.read(dir.resolve("absent.jsonl"), Map.of());
        assertTrue(t.usage().isEmpty());
        assertNull(t.lastAssistantText());
    }

    private static String assistant(String id, String model, int input, int output, String text) {
        return "{\"type\":\"assistant\",\"timestamp\":\"2026-04-29T10:00:00Z\",\"message\":{\"id\":\"" + id + "\",\"model\":\""
                + model + "\",\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}],\"usage\":{\"input_tokens\":"
                + input + ",\"output_tokens\":" + output + "}}}";
    }
}
