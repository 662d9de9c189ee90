package dev.brain.auth;

import static dev.brain.support.Brain.event;
import static dev.brain.support.Brain.start;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Brain;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeysTest {
    Brain brain;

    @BeforeAll
    void up() {
        brain = Brain.start(Map.of("BRAIN_KEY_CACHE_SECONDS", "2"));
    }

    @AfterAll
    void down() {
        brain.close();
    }

    private String keyIdOf(String agent, int nth) {
        return brain.query("select id from api_keys where agent_id = '" + agent + "' order by created_at, id", rs -> rs.getString(1)).get(nth);
    }

    @Test
    void key_create_prints_only_the_key_and_stores_only_its_hash() {
        brain.admin("customer", "add", "--id", "cust_k1", "--name", "K1", "--tier", "b");
        brain.admin("agent", "add", "--id", "agent_k1", "--customer", "cust_k1");
        String out = brain.admin("key", "create", "--agent", "agent_k1", "--label", "laptop");
        assertEquals(1, out.lines().count(), out);
        String key = out.trim();
        assertTrue(key.matches("brain_[A-Za-z0-9_-]{43}"), key);
        byte[] stored = brain.query("select key_hash from api_keys where agent_id = 'agent_k1'", rs -> rs.getBytes(1)).get(0);
        assertArrayEquals(ApiKeys.hash(key), stored);
        long plaintextAnywhere = brain.count("select count(*) from api_keys where label like '%" + key + "%' or id like '%" + key + "%'");
        assertEquals(0, plaintextAnywhere);
        String listing = brain.admin("key", "list", "--agent", "agent_k1");
        assertFalse(listing.contains(key));
        assertTrue(listing.contains("laptop"));
    }

    @Test
    void revoked_key_is_refused_within_the_cache_ttl() throws Exception {
        String key = brain.newAgentKey("cust_rev", "agent_rev", "b");
        assertEquals(202, brain.post(key, start("s")).statusCode());
        brain.admin("key", "revoke", "--id", keyIdOf("agent_rev", 0));
        long deadline = System.nanoTime() + 30_000_000_000L;
        int status = 202;
        while (status != 401 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            status = brain.post(key, start("s")).statusCode();
        }
        assertEquals(401, status);
    }

    @Test
    void rotation_keeps_both_keys_working_until_the_old_one_is_revoked() throws Exception {
        String oldKey = brain.newAgentKey("cust_rot", "agent_rot", "b");
        String newKey = brain.admin("key", "create", "--agent", "agent_rot", "--label", "rotated").trim();
        assertEquals(202, brain.post(oldKey, start("s")).statusCode());
        assertEquals(202, brain.post(newKey, start("s")).statusCode());
        brain.admin("key", "revoke", "--id", keyIdOf("agent_rot", 0));
        Thread.sleep(2_500);
        assertEquals(401, brain.post(oldKey, start("s")).statusCode());
        assertEquals(202, brain.post(newKey, start("s")).statusCode());
    }

    @Test
    void spoofed_customer_and_agent_ids_are_ignored() {
        String key = brain.newAgentKey("cust_honest", "agent_honest", "b");
        brain.admin("customer", "add", "--id", "cust_victim", "--name", "V", "--tier", "b");
        String id = UUID.randomUUID().toString();
        String body = "{\"event_id\":\"" + id + "\",\"ts\":\"" + Instant.now() + "\",\"event_type\":\"session.start\","
                + "\"session_id\":\"s\",\"customer_id\":\"cust_victim\",\"agent_id\":\"agent_victim\","
                + "\"payload\":{\"category\":\"c\",\"customer_id\":\"cust_victim\",\"agent_id\":\"agent_victim\"}}";
        assertEquals(202, brain.post(key, body).statusCode());
        var row = brain.query("select customer_id, agent_id from events where event_id = '" + id + "'",
                rs -> List.of(rs.getString(1), rs.getString(2))).get(0);
        assertEquals(List.of("cust_honest", "agent_honest"), row);
        assertEquals(0, brain.count("select count(*) from events where customer_id = 'cust_victim'"));
    }

    @Test
    void keys_are_random_and_prefixed() {
        String a = ApiKeys.newSecret();
        String b = ApiKeys.newSecret();
        assertFalse(a.equals(b));
        assertTrue(a.startsWith("brain_"));
        assertEquals(32, java.util.Base64.getUrlDecoder().decode(a.substring(6)).length);
    }

    @Test
    void admin_token_comparison_is_exact() {
        assertTrue(dev.brain.http.AdminAuth.sameSecret("s3cret", "s3cret"));
        assertFalse(dev.brain.http.AdminAuth.sameSecret("s3cret", "s3cres"));
        assertFalse(dev.brain.http.AdminAuth.sameSecret("", ""));
        assertFalse(dev.brain.http.AdminAuth.sameSecret("s3cret", null));
    }

    @Test
    void an_event_for_an_agent_id_in_the_payload_is_attributed_to_the_key_owner() throws InterruptedException {
        String key = brain.newAgentKey("cust_attr", "agent_attr", "a");
        var r = brain.post(key, event("heartbeat", null, "{\"agent_version\":\"9\",\"agent_id\":\"agent_rev\"}"));
        assertEquals(202, r.statusCode());
        // The version is written by the background flush, about a second later.
        String owner = "select count(*) from agents where id = 'agent_attr' and version = '9'";
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (brain.count(owner) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(1, brain.count(owner));
        assertEquals(0, brain.count("select count(*) from agents where id = 'agent_rev' and version = '9'"));
    }
}
