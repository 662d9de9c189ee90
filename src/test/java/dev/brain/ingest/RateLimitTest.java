package dev.brain.ingest;

import static dev.brain.support.Brain.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Brain;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    @Test
    void a_key_over_its_rate_gets_429_with_retry_after_and_others_are_unaffected() throws Exception {
        try (Brain brain = Brain.start(Map.of("BRAIN_RATE_LIMIT_RPS", "1", "BRAIN_RATE_LIMIT_BURST", "3"))) {
            String hot = brain.newAgentKey("cust_rl", "agent_hot", "b");
            brain.admin("agent", "add", "--id", "agent_calm", "--customer", "cust_rl");
            String calm = brain.admin("key", "create", "--agent", "agent_calm").trim();
            // A cold first request can outlast the refill period; warm the path on the other key's bucket first.
            assertEquals(202, brain.post(calm, start("s")).statusCode());
            // Sent until refused: a slow machine may refill the bucket between requests, so the contract is the burst
            // plus what 1 rps refilled meanwhile, not exactly three.
            long began = System.nanoTime();
            int accepted = 0;
            HttpResponse<String> limited;
            while ((limited = brain.post(hot, start("s"))).statusCode() == 202 && accepted < 100) {
                accepted++;
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            assertTrue(accepted >= 3 && accepted <= 3 + Math.ceil(seconds), accepted + " accepted in " + seconds + " s");
            assertEquals(429, limited.statusCode());
            assertEquals("rate_limited", Brain.json(limited).get("error").asText());
            long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);
            assertEquals(202, brain.post(calm, start("s")).statusCode());
            Thread.sleep(retryAfter * 1000);
            assertEquals(202, brain.post(hot, start("s")).statusCode());
            assertTrue(brain.get("/metrics").body().contains("brain_rate_limited_total 1"));
        }
    }

    @Test
    void bucket_refills_at_the_configured_rate() {
        AtomicLong now = new AtomicLong();
        var limiter = new RateLimiter(10, 2, now::get);
        assertEquals(0, limiter.acquire("k"));
        assertEquals(0, limiter.acquire("k"));
        assertEquals(1, limiter.acquire("k"));
        now.addAndGet(100_000_000L);
        assertEquals(0, limiter.acquire("k"));
        assertEquals(1, limiter.acquire("k"));
        assertEquals(0, new RateLimiter(0, 1, now::get).acquire("k"));
    }
}
