package dev.brain.auth;

import static dev.brain.support.Brain.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Brain;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Keys minted with --require-signature: valid, wrong, stale, missing, and a body changed by one byte. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignedRequestsTest {
    private Brain brain;
    private String key;
    private String secret;
    private String plainKey;

    @BeforeAll
    void start() {
        brain = Brain.start();
        brain.admin("customer", "add", "--id", "cust_sig", "--name", "Sig", "--tier", "b");
        brain.admin("agent", "add", "--id", "agent_sig", "--customer", "cust_sig");
        String[] lines = brain.admin("key", "create", "--agent", "agent_sig", "--require-signature").trim().split("\n");
        assertEquals(2, lines.length, "the key, then the signing secret");
        key = lines[0].trim();
        secret = lines[1].trim();
        brain.admin("agent", "add", "--id", "agent_plain", "--customer", "cust_sig");
        plainKey = brain.admin("key", "create", "--agent", "agent_plain").trim();
    }

    @AfterAll
    void stop() {
        brain.close();
    }

    private static String now() {
        return Long.toString(System.currentTimeMillis() / 1000);
    }

    private HttpResponse<String> post(String k, byte[] body, String ts, String signature) {
        Map<String, String> headers = new java.util.HashMap<>();
        if (ts != null) {
            headers.put("X-Brain-Timestamp", ts);
        }
        if (signature != null) {
            headers.put("X-Brain-Signature", signature);
        }
        return brain.post(k, body, headers);
    }

    private static byte[] body() {
        return event("session.start", "sess_sig", "{\"category\":\"signed\"}").getBytes(StandardCharsets.UTF_8);
    }

    private void assertRefused(HttpResponse<String> r, String code) {
        assertEquals(401, r.statusCode(), r.body());
        assertEquals(code, Brain.json(r).get("error").asText(), r.body());
    }

    @Test
    void a_correctly_signed_request_is_accepted() {
        byte[] body = body();
        String ts = now();
        var r = post(key, body, ts, "sha256=" + RequestSignature.sign(secret, ts, body));
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(1, Brain.json(r).get("accepted").asInt());
    }

    @Test
    void a_replayed_signed_request_is_harmless() {
        byte[] body = body();
        String ts = now();
        String sig = "sha256=" + RequestSignature.sign(secret, ts, body);
        assertEquals(1, Brain.json(post(key, body, ts, sig)).get("accepted").asInt());
        var again = post(key, body, ts, sig);
        assertEquals(202, again.statusCode());
        assertEquals(0, Brain.json(again).get("accepted").asInt());
        assertEquals(1, Brain.json(again).get("duplicates").asInt());
    }

    @Test
    void a_wrong_signature_is_refused() {
        byte[] body = body();
        String ts = now();
        assertRefused(post(key, body, ts, "sha256=" + RequestSignature.sign("brainsig_not-the-secret", ts, body)), "signature_invalid");
        assertRefused(post(key, body, ts, "sha256=zz"), "signature_invalid");
    }

    @Test
    void a_stale_timestamp_is_refused_even_when_the_signature_matches() {
        byte[] body = body();
        String old = Long.toString(System.currentTimeMillis() / 1000 - 301);
        assertRefused(post(key, body, old, "sha256=" + RequestSignature.sign(secret, old, body)), "signature_stale");
        String future = Long.toString(System.currentTimeMillis() / 1000 + 3600);
        assertRefused(post(key, body, future, "sha256=" + RequestSignature.sign(secret, future, body)), "signature_stale");
    }

    @Test
    void a_missing_signature_or_timestamp_is_refused() {
        byte[] body = body();
        String ts = now();
        assertRefused(post(key, body, null, null), "signature_missing");
        assertRefused(post(key, body, ts, null), "signature_missing");
        assertRefused(post(key, body, null, "sha256=" + RequestSignature.sign(secret, ts, body)), "signature_missing");
    }

    @Test
    void a_body_changed_by_one_byte_is_refused_and_nothing_is_stored() {
        byte[] body = event("session.start", "sess_tampered", "{\"category\":\"signed\"}").getBytes(StandardCharsets.UTF_8);
        String ts = now();
        String sig = "sha256=" + RequestSignature.sign(secret, ts, body);
        byte[] changed = body.clone();
        int at = new String(body, StandardCharsets.UTF_8).indexOf("signed");
        changed[at] = 'S';
        assertRefused(post(key, changed, ts, sig), "signature_invalid");
        assertEquals(0, brain.count("select count(*) from events where session_id = 'sess_tampered'"));
        assertTrue(brain.get("/metrics").body().contains("brain_signature_failures_total{reason=\"signature_invalid\"}"));
    }

    @Test
    void keys_without_the_flag_behave_as_before() {
        var r = post(plainKey, body(), null, null);
        assertEquals(202, r.statusCode(), r.body());
    }

    @Test
    void the_database_holds_no_signing_secret_in_the_clear() {
        assertEquals(1, brain.count("select count(*) from api_keys where signing_secret_sealed is not null"));
        byte[] sealed = brain.query("select signing_secret_sealed from api_keys where agent_id = 'agent_sig'", rs -> rs.getBytes(1)).get(0);
        assertTrue(!new String(sealed, StandardCharsets.ISO_8859_1).contains(secret.substring(9)));
        assertEquals(secret, SigningSecrets.open(key, sealed));
        assertNull(SigningSecrets.open(plainKey, sealed));
    }

    @Test
    void an_unknown_key_still_gets_the_one_unauthorized_answer() {
        var r = post("brain_" + "x".repeat(43), body(), null, null);
        assertEquals(401, r.statusCode());
        assertEquals("{\"error\":\"unauthorized\"}", r.body());
    }
}
