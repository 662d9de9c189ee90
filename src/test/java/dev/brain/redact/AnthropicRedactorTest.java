package dev.brain.redact;

import dev.brain.error.RedactionFailed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.http.Json;
import dev.brain.support.FakeAnthropic;
import java.time.Duration;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Messages API client against a real local HTTP server. */
class AnthropicRedactorTest {
    FakeAnthropic anthropic;
    AnthropicRedactor redactor;

    @BeforeEach
    void up() throws Exception {
        anthropic = new FakeAnthropic();
        // A local answer can take seconds on a loaded machine; only the timeout test wants a short timeout.
        redactor = new AnthropicRedactor(Json.mapper(), anthropic.baseUrl(), "sk-test-key", "claude-haiku-4-5", Duration.ofSeconds(30), 4);
    }

    @AfterEach
    void down() {
        redactor.close();
        anthropic.close();
    }

    @Test
    void sends_the_seed_prompt_to_the_messages_api_with_key_version_and_model() throws Exception {
        anthropic.answer(b -> FakeAnthropic.text("Resolved a billing dispute; refund issued."));
        assertEquals("Resolved a billing dispute; refund issued.", redactor.redact("Refunded Jane Doe for order #48213"));
        var request = anthropic.requests.get(0);
        assertEquals("POST", request.getMethod());
        assertEquals("/v1/messages", request.getUrl().encodedPath());
        assertEquals("sk-test-key", request.getHeaders().get("x-api-key"));
        assertEquals("2023-06-01", request.getHeaders().get("anthropic-version"));
        JsonNode body = Json.mapper().readTree(anthropic.requestBodies.get(0));
        assertEquals("claude-haiku-4-5", body.get("model").asText());
        String prompt = body.get("messages").get(0).get("content").asText();
        assertTrue(prompt.startsWith(AnthropicRedactor.PROMPT), prompt);
        assertTrue(prompt.endsWith("Refunded Jane Doe for order #48213"));
    }

    @Test
    void an_answer_that_still_holds_an_email_is_scrubbed() throws Exception {
        anthropic.answer(b -> FakeAnthropic.text("Replied to jane@example.com about a refund"));
        assertEquals("Replied to [email] about a refund", redactor.redact("x"));
    }

    @Test
    void server_errors_and_rate_limits_fail() {
        for (int code : new int[] {500, 529, 429, 401}) {
            anthropic.answer(b -> FakeAnthropic.status(code));
            var e = assertThrows(RedactionFailed.class, () -> redactor.redact("x"));
            assertEquals("failed", e.outcome());
            assertTrue(e.getMessage().contains(Integer.toString(code)));
        }
    }

    @Test
    void garbage_and_shapeless_answers_fail() {
        anthropic.answer(b -> new MockResponse.Builder().code(200).body("<html>oops</html>").build());
        assertEquals("failed", assertThrows(RedactionFailed.class, () -> redactor.redact("x")).outcome());
        anthropic.answer(b -> new MockResponse.Builder().code(200).body("{\"content\":[]}").build());
        assertEquals("failed", assertThrows(RedactionFailed.class, () -> redactor.redact("x")).outcome());
    }

    @Test
    void over_long_or_multi_line_answers_fail() {
        anthropic.answer(b -> FakeAnthropic.text("x".repeat(121)));
        assertTrue(assertThrows(RedactionFailed.class, () -> redactor.redact("x")).getMessage().contains("longer than 120"));
        anthropic.answer(b -> FakeAnthropic.text("line one\nline two"));
        assertTrue(assertThrows(RedactionFailed.class, () -> redactor.redact("x")).getMessage().contains("single line"));
    }

    @Test
    void a_slow_answer_times_out() {
        anthropic.answer(b -> FakeAnthropic.slow(20_000, FakeAnthropic.text("late")));
        var quick = new AnthropicRedactor(Json.mapper(), anthropic.baseUrl(), "sk-test-key", "claude-haiku-4-5", Duration.ofMillis(1500), 4);
        try {
            long t0 = System.nanoTime();
            var e = assertThrows(RedactionFailed.class, () -> quick.redact("x"));
            assertEquals("timeout", e.outcome());
            // Given up at the 1.5 s timeout (plus room for a loaded machine), long before the 20 s answer.
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 15_000, "gave up after " + ms + " ms");
        } finally {
            quick.close();
        }
    }

    @Test
    void errors_never_carry_the_raw_text() {
        anthropic.answer(b -> FakeAnthropic.status(500));
        var e = assertThrows(RedactionFailed.class, () -> redactor.redact("SECRET-RAW-TEXT jane@example.com"));
        assertTrue(!e.getMessage().contains("SECRET"));
    }

    @Test
    void without_an_api_key_the_scrubber_alone_runs_and_keeps_120_characters() {
        var local = new ScrubberRedactor();
        assertEquals("Mailed [email] twice", local.redact("Mailed  jane@example.com\ntwice"));
        String shortened = local.redact("word ".repeat(60));
        assertTrue(shortened.codePointCount(0, shortened.length()) <= 120, shortened);
        assertTrue(shortened.endsWith("…"));
    }
}
