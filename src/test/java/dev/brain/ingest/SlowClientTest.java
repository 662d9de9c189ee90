package dev.brain.ingest;

import static dev.brain.support.Brain.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.brain.support.Await;
import dev.brain.support.Brain;
import dev.brain.support.CapturedLog;
import dev.brain.support.RawHttp;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A client that sends its body slowly, or never finishes it, holds a bounded share of the server and no more. */
class SlowClientTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Test
    void one_key_with_hundreds_of_slow_bodies_cannot_stall_health_or_other_keys() throws Exception {
        try (Brain brain = Brain.start(Map.of("BRAIN_BODY_TIMEOUT_MS", "60000", "BRAIN_INGEST_CONCURRENCY_PER_KEY", "8"))) {
            String attacker = brain.newAgentKey("cust_slow", "agent_slow", "b");
            String other = brain.newAgentKey("cust_other", "agent_other", "b");
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 270; i++) {
                    slow.add(RawHttp.startPost(brain.server.port(), attacker, 100_000, "{"));
                }
                assertEquals(200, send(brain, HttpRequest.newBuilder(URI.create(brain.baseUrl() + "/healthz")).GET()).statusCode(),
                        "/healthz answers while one key holds 270 slow bodies");
                var theirs = send(brain, HttpRequest.newBuilder(URI.create(brain.baseUrl() + "/v1/events"))
                        .header("Authorization", "Bearer " + other).POST(HttpRequest.BodyPublishers.ofString(start("s_other"))));
                assertEquals(202, theirs.statusCode(), theirs.body());
                Await.until(Duration.ofSeconds(60), "the requests beyond the per-key cap are answered",
                        () -> slow.stream().filter(RawHttp::answered).count() >= 270 - 8);
                int refused = 0;
                for (Socket s : slow) {
                    if (RawHttp.answered(s)) {
                        RawHttp.Answer a = RawHttp.read(s);
                        assertEquals(429, a.status(), a.body());
                        assertEquals("too_many_concurrent_requests", error(a));
                        assertNotNull(a.header("Retry-After"));
                        refused++;
                    }
                }
                assertEquals(270 - 8, refused);
            } finally {
                RawHttp.closeQuietly(slow);
            }
        }
    }

    @Test
    void bodies_that_do_not_arrive_in_time_get_408_and_free_their_slots() throws Exception {
        try (Brain brain = Brain.start(Map.of("BRAIN_BODY_TIMEOUT_MS", "2000", "BRAIN_INGEST_CONCURRENCY_PER_KEY", "2"));
             RawHttp.Trickle trickle = new RawHttp.Trickle(200)) {
            String key = brain.newAgentKey("cust_trickle", "agent_trickle", "b");
            Socket trickling = trickle.add(RawHttp.startPost(brain.server.port(), key, 100_000, "{"));
            Socket silent = RawHttp.startPost(brain.server.port(), key, 100_000, "{");
            try {
                for (Socket s : List.of(trickling, silent)) {
                    RawHttp.Answer a = RawHttp.read(s);
                    assertEquals(408, a.status(), a.body());
                    assertEquals("request_timeout", error(a));
                }
            } finally {
                RawHttp.closeQuietly(List.of(trickling, silent));
            }
            var after = brain.post(key, start("s_after"));
            assertEquals(202, after.statusCode(), "both slots are free again: " + after.body());
            assertEquals(2, brain.server.metrics().count("brain_requests_refused_total", "reason", "request_timeout"));
        }
    }

    @Test
    void slow_bodies_across_keys_are_capped_in_total() throws Exception {
        try (Brain brain = Brain.start(Map.of("BRAIN_BODY_TIMEOUT_MS", "60000", "BRAIN_INGEST_CONCURRENCY", "3",
                "BRAIN_INGEST_CONCURRENCY_PER_KEY", "2"))) {
            String a = brain.newAgentKey("cust_a", "agent_a", "b");
            String b = brain.newAgentKey("cust_b", "agent_b", "b");
            List<Socket> slow = new ArrayList<>();
            try {
                for (String key : List.of(a, a, b)) {
                    slow.add(RawHttp.startPost(brain.server.port(), key, 100_000, "{"));
                }
                Await.until(Duration.ofSeconds(30), "three bodies in flight", () -> gauge(brain, "brain_ingest_in_flight") == 3);
                Socket fourth = RawHttp.startPost(brain.server.port(), b, 100_000, "{");
                slow.add(fourth);
                RawHttp.Answer r = RawHttp.read(fourth);
                assertEquals(503, r.status(), r.body());
                assertEquals("overloaded", error(r));
                assertNotNull(r.header("Retry-After"));
                assertEquals(200, send(brain, HttpRequest.newBuilder(URI.create(brain.baseUrl() + "/healthz")).GET()).statusCode());
            } finally {
                RawHttp.closeQuietly(slow);
            }
        }
    }

    @Test
    void a_client_that_hangs_up_mid_body_is_a_disconnect_not_a_database_outage() throws Exception {
        try (CapturedLog log = new CapturedLog(); Brain brain = Brain.start()) {
            String key = brain.newAgentKey("cust_gone", "agent_gone", "b");
            Socket s = RawHttp.startPost(brain.server.port(), key, 1000, "{\"event_id\":\"" + "x".repeat(400));
            s.close();
            Pattern finished = Pattern.compile("brain_http_requests_total\\{route=\"/v1/events\",status=\"(\\d+)\"} 1");
            Await.until(Duration.ofSeconds(30), "the request is finished", () -> finished.matcher(brain.server.metrics().render()).find());
            Matcher m = finished.matcher(brain.server.metrics().render());
            assertEquals(true, m.find());
            assertEquals(1, brain.server.metrics().count("brain_requests_refused_total", "reason", "client_disconnected"),
                    "counted as status " + m.group(1));
            assertFalse(m.group(1).equals("503"), "a hang-up is not a 503");
            assertFalse(log.text().contains("database unavailable"), log.text());
        }
    }

    private static HttpResponse<String> send(Brain brain, HttpRequest.Builder r) throws Exception {
        return HTTP.send(r.timeout(PATIENCE).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(RawHttp.Answer a) throws Exception {
        return Brain.JSON.readTree(a.body()).get("error").asText();
    }

    private static double gauge(Brain brain, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(brain.server.metrics().render());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
