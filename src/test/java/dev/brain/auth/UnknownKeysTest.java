package dev.brain.auth;

import static dev.brain.support.Brain.json;
import static dev.brain.support.Brain.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Brain;
import dev.brain.metrics.Metrics;
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
        brain = Brain.start(Map.of("BRAIN_AUTH_FAILURE_RPS", "1", "BRAIN_AUTH_FAILURE_BURST", Integer.toString(BURST)));
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
            int status = brain.post(ApiKeys.newSecret(), start("s")).statusCode();
            assertTrue(status == 429 || status == 401, "status " + status); // 401 when a token refilled meanwhile
        }
        double total = (System.nanoTime() - started) / 1e9;
        assertTrue(lookups() - before <= BURST + RATE * total + 1, "refused keys are not looked up: " + (lookups() - before) + " in " + total + " s");
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
    void a_repeated_unknown_key_is_looked_up_once_per_cache_ttl() {
        long[] now = {0};
        var metrics = new Metrics();
        var auth = new Authenticator(brain.server.db().jdbi(), Duration.ofSeconds(10), new AuthFailureLimiter(1, 5, () -> now[0]),
                metrics, 100, () -> now[0]);
        String unknown = ApiKeys.newSecret();
        for (int i = 0; i < 200; i++) {
            assertTrue(auth.authenticate(unknown, "192.0.2.7").isEmpty(), "a cached unknown key is refused without a look-up");
        }
        assertEquals(1, metrics.count("brain_auth_lookups_total"));
        now[0] += Duration.ofSeconds(10).toNanos();
        assertTrue(auth.authenticate(unknown, "192.0.2.7").isEmpty());
        assertEquals(2, metrics.count("brain_auth_lookups_total"), "looked up again once the TTL is over");
    }

    @Test
    void an_address_over_its_budget_keeps_its_cached_valid_keys_and_costs_no_more_lookups() {
        long[] now = {0};
        var metrics = new Metrics();
        var auth = new Authenticator(brain.server.db().jdbi(), Duration.ofSeconds(30), new AuthFailureLimiter(1, 3, () -> now[0]),
                metrics, 100, () -> now[0]);
        String cached = brain.newAgentKey("cust_flood", "agent_flood", "b");
        String notYetCached = brain.admin("key", "create", "--agent", "agent_flood").trim();
        String address = "198.51.100.4";
        assertTrue(auth.authenticate(cached, address).isPresent());
        for (int i = 0; i < 3; i++) {
            assertTrue(auth.authenticate(ApiKeys.newSecret(), address).isEmpty());
        }
        long lookups = metrics.count("brain_auth_lookups_total");
        var refused = assertThrows(TooManyAuthFailures.class, () -> auth.authenticate(ApiKeys.newSecret(), address));
        assertEquals(1, refused.retryAfterSeconds());
        assertThrows(TooManyAuthFailures.class, () -> auth.authenticate(notYetCached, address), "a key that needs a look-up waits too");
        assertEquals("agent_flood", auth.authenticate(cached, address).orElseThrow().agentId());
        assertEquals(lookups, metrics.count("brain_auth_lookups_total"), "nothing was looked up for the refused address");
        assertTrue(auth.authenticate(notYetCached, "198.51.100.5").isPresent(), "other addresses are not affected");
        now[0] += Duration.ofSeconds(1).toNanos();
        assertTrue(auth.authenticate(notYetCached, address).isPresent(), "the budget refills");
    }
}
