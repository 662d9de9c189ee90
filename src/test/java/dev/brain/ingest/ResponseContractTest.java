package dev.brain.ingest;

import static dev.brain.support.Brain.batch;
import static dev.brain.support.Brain.event;
import static dev.brain.support.Brain.json;
import static dev.brain.support.Brain.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.support.Brain;
import dev.brain.support.OneBrainPerClass;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Every row of the SPEC §4.3 response table (429 and 503 have their own classes). */
class ResponseContractTest extends OneBrainPerClass {
    ResponseContractTest() {
        super("contract");
    }

    @Test
    void single_envelope_is_stored_with_202() {
        String id = UUID.randomUUID().toString();
        var r = brain.post(key, event(id, "2026-11-26T10:00:00Z", "session.start", "sess_1", "{\"category\":\"email_reply\",\"source\":\"inbox\"}"));
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("{\"accepted\":1,\"duplicates\":0,\"rejected\":[]}", r.body());
        var row = brain.query("select customer_id, agent_id, event_type, session_id, payload->>'category', ts from events where event_id = '" + id + "'",
                rs -> List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getObject(6).toString()));
        assertEquals(List.of("cust_contract", "agent_contract", "session.start", "sess_1", "email_reply"), row.get(0).subList(0, 5));
    }

    @Test
    void duplicate_single_envelope_is_202_and_counted_as_duplicate() {
        String e = start("sess_dup");
        assertEquals(202, brain.post(key, e).statusCode());
        var again = brain.post(key, e);
        assertEquals(202, again.statusCode());
        assertEquals("{\"accepted\":0,\"duplicates\":1,\"rejected\":[]}", again.body());
    }

    @Test
    void batch_of_valid_events_is_202_with_counts() {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            events.add(start("sess_batch_" + i));
        }
        var r = brain.post(key, batch(events));
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(10, json(r).get("accepted").asInt());
        assertEquals(0, json(r).get("duplicates").asInt());
    }

    @Test
    void batch_with_some_invalid_events_is_207_and_stores_the_valid_ones() {
        String good1 = UUID.randomUUID().toString();
        String good2 = UUID.randomUUID().toString();
        String bad = UUID.randomUUID().toString();
        var r = brain.post(key, batch(List.of(
                event(good1, "2026-11-26T10:00:00Z", "session.start", "s207", "{\"category\":\"x\"}"),
                event(bad, "2026-11-26T10:00:00Z", "session.teleport", "s207", "{}"),
                event(good2, "2026-11-26T10:00:01Z", "session.end", "s207", "{\"status\":\"success\"}"))));
        assertEquals(207, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertEquals(2, body.get("accepted").asInt());
        assertEquals(1, body.get("rejected").size());
        JsonNode rej = body.get("rejected").get(0);
        assertEquals(1, rej.get("index").asInt());
        assertEquals(bad, rej.get("event_id").asText());
        assertEquals("unknown_event_type", rej.get("code").asText());
        assertFalse(rej.get("message").asText().isBlank());
        assertEquals(2, brain.count("select count(*) from events where event_id in ('" + good1 + "','" + good2 + "')"));
        assertEquals(1, brain.count("select count(*) from rejected_events where event_id = '" + bad + "' and code = 'unknown_event_type' and agent_id = 'agent_contract'"));
    }

    @Test
    void invalid_single_envelope_is_400_with_code_and_message() {
        var r = brain.post(key, event("not-a-uuid", "2026-11-26T10:00:00Z", "session.start", "s", "{\"category\":\"x\"}"));
        assertEquals(400, r.statusCode());
        assertEquals("invalid_event_id", json(r).get("error").asText());
        assertTrue(json(r).get("message").asText().contains("UUID"));
    }

    @Test
    void body_that_is_not_json_is_400() {
        var r = brain.post(key, "this is not json {");
        assertEquals(400, r.statusCode());
        assertEquals("invalid_json", json(r).get("error").asText());
        var arr = brain.post(key, "[1,2,3]");
        assertEquals(400, arr.statusCode());
        assertEquals("invalid_body", json(arr).get("error").asText());
        var empty = brain.post(key, "");
        assertEquals(400, empty.statusCode());
        assertEquals("empty_body", json(empty).get("error").asText());
    }

    @Test
    void empty_batch_is_400() {
        var r = brain.post(key, "{\"events\":[]}");
        assertEquals(400, r.statusCode());
        assertEquals("empty_batch", json(r).get("error").asText());
    }

    @Test
    void batch_of_501_is_400_and_batch_of_500_is_accepted() {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            events.add(start("s501"));
        }
        var r = brain.post(key, batch(events));
        assertEquals(400, r.statusCode());
        assertEquals("batch_too_large", json(r).get("error").asText());
        var ok = brain.post(key, batch(events.subList(0, 500)));
        assertEquals(202, ok.statusCode(), ok.body());
        assertEquals(500, json(ok).get("accepted").asInt());
    }

    @Test
    void missing_unknown_and_revoked_keys_get_the_same_401() {
        String revokedKey = brain.admin("key", "create", "--agent", "agent_contract").trim();
        String keyId = brain.query("select id from api_keys order by created_at desc limit 1", rs -> rs.getString(1)).get(0);
        brain.admin("key", "revoke", "--id", keyId);
        Brain fresh = Brain.startOn(brain.db, Map.of());
        try {
            for (String k : new String[] {null, "brain_unknownkeyunknownkeyunknownkeyunknownkey", "garbage", revokedKey}) {
                var r = fresh.post(k, start("s401"));
                assertEquals(401, r.statusCode(), "key " + k);
                assertEquals("{\"error\":\"unauthorized\"}", r.body());
            }
        } finally {
            fresh.close();
        }
    }

    @Test
    void body_over_one_mebibyte_is_413() {
        byte[] big = new byte[(1 << 20) + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        var r = brain.post(key, big, Map.of());
        assertEquals(413, r.statusCode());
        assertEquals("body_too_large", json(r).get("error").asText());
    }

    @Test
    void gzip_body_is_accepted() throws Exception {
        String body = batch(List.of(start("sgz1"), start("sgz2")));
        var r = brain.post(key, gzip(body.getBytes(StandardCharsets.UTF_8)), Map.of("Content-Encoding", "gzip"));
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(2, json(r).get("accepted").asInt());
    }

    @Test
    void corrupt_gzip_is_400() {
        var r = brain.post(key, "definitely not gzip".getBytes(StandardCharsets.UTF_8), Map.of("Content-Encoding", "gzip"));
        assertEquals(400, r.statusCode());
        assertEquals("invalid_gzip", json(r).get("error").asText());
    }

    @Test
    void every_response_carries_a_request_id_and_echoes_the_clients() {
        HttpResponse<String> r = brain.post(key, start("srid"));
        assertTrue(r.headers().firstValue("X-Request-Id").isPresent());
        var echoed = brain.post(key, start("srid").getBytes(StandardCharsets.UTF_8), Map.of("X-Request-Id", "client-req-42"));
        assertEquals("client-req-42", echoed.headers().firstValue("X-Request-Id").orElseThrow());
        var unauthorized = brain.post(null, start("srid"));
        assertTrue(unauthorized.headers().firstValue("X-Request-Id").isPresent());
        var notFound = brain.get("/nope");
        assertEquals(404, notFound.statusCode());
        assertTrue(notFound.headers().firstValue("X-Request-Id").isPresent());
    }

    @Test
    void health_ready_metrics_and_openapi_answer() {
        assertEquals(200, brain.get("/healthz").statusCode());
        assertEquals(200, brain.get("/readyz").statusCode());
        brain.post(key, start("smetrics"));
        var metrics = brain.get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("brain_events_total{outcome=\"accepted\"}"), metrics.body());
        assertTrue(metrics.body().contains("brain_http_request_duration_seconds_bucket{route=\"/v1/events\""));
        assertTrue(metrics.body().matches("(?s).*brain_db_pool_connections\\{state=\"max\"} \\d+\n.*"), metrics.body());
        var openapi = brain.get("/openapi.json");
        assertEquals(200, openapi.statusCode());
        assertEquals("3.1.0", json(openapi).get("openapi").asText());
        assertTrue(json(openapi).get("paths").has("/v1/events"));
    }

    @Test
    void last_seen_and_version_follow_accepted_events() throws InterruptedException {
        String k = brain.newAgentKey("cust_seen", "agent_seen", "a");
        assertEquals(0, brain.count("select count(*) from agents where id = 'agent_seen' and last_seen_at is not null"));
        var r = brain.post(k, event("heartbeat", null, "{\"agent_version\":\"1.4.2\",\"pid_uptime_s\":30,\"dropped_events_since_last\":0}"));
        assertEquals(202, r.statusCode(), r.body());
        // Written by the background flush, about a second later.
        String seen = "select count(*) from agents where id = 'agent_seen' and version = '1.4.2' and last_seen_at > now() - interval '1 minute'";
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (brain.count(seen) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(1, brain.count(seen));
    }

    static byte[] gzip(byte[] raw) throws Exception {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }
}
