package dev.brain.auth;

import static dev.brain.support.Brain.json;
import static dev.brain.support.Brain.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Brain;
import dev.brain.http.Metrics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Audit finding 10: unknown keys must not buy a database query each, and must not flush valid keys from the cache. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnknownKeysTest {
    static final int BURST = 20;
    static final double RATE = 1;
    Brain brain;

    @BeforeAll
    void up() {
        brain = Brain.start(Map.of("BRAIN_AUTH_FAILURE_RPS", "1", "BRAIN_AUTH_FAILURE_BURST", Integer.toString(BURST),
                "BRAIN_KEY_CACHE_SECONDS", "30"));
    }

    @AfterAll
    void down() {
        brain.close();
    }

    private long lookups() {
        return brain.server.metrics().count("brain_auth_lookups_total");
    }

    /** Sends fresh random keys until the address is refused; returns the refusal (null if 2,000 were all looked up). */
    private HttpResponse<String> floodUntilRefused() {
        for (int i = 0; i < 2_000; i++) {
            var r = brain.post(ApiKeys.newSecret(), start("s"));
            if (r.statusCode() == 429) {
                return r;
            }
            assertEquals(401, r.statusCode(), r.body());
        }
        return null;
    }

    @Test
    void unknown_keys_from_one_address_cost_at_most_the_failure_budget_in_lookups_then_429() {
        long before = lookups();
        long started = System.nanoTime();
        var refused = floodUntilRefused();
        double elapsed = (System.nanoTime() - started) / 1e9;
        assertNotNull(refused, "2,000 random keys from one address were each looked up; lookups counted: " + (lookups() - before));
        assertEquals("too_many_auth_failures", json(refused).get("error").asText());
        assertTrue(json(refused).get("message").asText().length() > 10);
        assertTrue(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()) >= 1);
        long spent = lookups() - before;
        assertTrue(spent >= 1 && spent <= BURST + RATE * elapsed + 1, "lookups " + spent + " in " + elapsed + " s");
        for (int i = 0; i < 50; i++) {
            assertEquals(429, brain.post(ApiKeys.newSecret(), start("s")).statusCode());
        }
        assertTrue(lookups() - before <= BURST + RATE * (System.nanoTime() - started) / 1e9 + 1, "refused keys are not looked up");
    }

    @Test
    void a_repeated_unknown_key_is_looked_up_once_per_cache_ttl() throws InterruptedException {
        String unknown = ApiKeys.newSecret();
        long deadline = System.nanoTime() + 60_000_000_000L;
        int first = brain.post(unknown, start("s")).statusCode();
        while (first == 429 && System.nanoTime() < deadline) {
            Thread.sleep(250); // an earlier test may have spent this address's budget; it refills at RATE
            first = brain.post(unknown, start("s")).statusCode();
        }
        assertEquals(401, first);
        long before = lookups();
        for (int i = 0; i < 200; i++) {
            int status = brain.post(unknown, start("s")).statusCode();
            assertEquals(401, status, "a cached unknown key answers 401 without a lookup, even from a refused address");
        }
        assertTrue(lookups() - before <= 1, "lookups: " + (lookups() - before));
    }

    @Test
    void unknown_keys_beyond_the_cache_bound_push_out_the_oldest_unknown_ones_never_a_valid_key() {
        long[] now = {0};
        var metrics = new Metrics();
        var auth = new Authenticator(brain.server.db().jdbi(), Duration.ofSeconds(30), new AuthFailureLimiter(0, 1), metrics, 100, () -> now[0]);
        String valid = brain.newAgentKey("cust_cache", "agent_cache", "b");
        assertEquals("agent_cache", auth.authenticate(valid, "10.0.0.1").orElseThrow().agentId());
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            unknown.add(ApiKeys.newSecret());
            assertTrue(auth.authenticate(unknown.get(i), "10.0.0." + i % 250).isEmpty());
        }
        long lookups = metrics.count("brain_auth_lookups_total");
        assertEquals(1_001, lookups);
        assertEquals("agent_cache", auth.authenticate(valid, "10.0.0.1").orElseThrow().agentId());
        assertTrue(auth.authenticate(unknown.get(999), "10.0.0.1").isEmpty());
        assertEquals(lookups, metrics.count("brain_auth_lookups_total"), "the valid key and the newest unknown key come from the cache");
        assertTrue(auth.authenticate(unknown.get(0), "10.0.0.1").isEmpty());
        assertEquals(lookups + 1, metrics.count("brain_auth_lookups_total"), "the oldest unknown key was dropped to make room");
    }

    @Test
    void a_cached_valid_key_keeps_working_from_an_address_that_is_refused() {
        String key = brain.newAgentKey("cust_flood", "agent_flood", "b");
        assertEquals(202, brain.post(key, start("s")).statusCode());
        assertNotNull(floodUntilRefused());
        long before = lookups();
        assertEquals(202, brain.post(key, start("s")).statusCode());
        assertEquals(before, lookups(), "served from the cache");
    }
}
