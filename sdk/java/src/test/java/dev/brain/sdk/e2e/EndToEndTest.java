package dev.brain.sdk.e2e;

import dev.brain.sdk.Brain;
import dev.brain.sdk.Session;
import dev.brain.sdk.Transport;
import dev.brain.sdk.internal.HttpTransport;
import dev.brain.sdk.internal.TestJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The SDK against a real brain (child process) on a real PostgreSQL. */
class EndToEndTest {
    @TempDir
    Path spool;

    private Brain.Builder sdk(RealBrain brain) {
        return Brain.builder().endpoint(brain.endpoint()).apiKey(brain.apiKey).spoolDir(spool)
                .flushInterval(Duration.ofMillis(100)).heartbeatInterval(Duration.ZERO)
                .maxRetryBackoff(Duration.ofSeconds(2)).shutdownTimeout(Duration.ofSeconds(30)).shutdownHook(false);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> payload(String[] row) {
        return (Map<String, Object>) TestJson.parse(row[3]);
    }

    private static List<String[]> ofType(List<String[]> rows, String type) {
        return rows.stream().filter(r -> r[1].equals(type)).collect(Collectors.toList());
    }

    @Test
    void a_session_round_trips_into_events_with_the_right_payload() throws Exception {
        try (RealBrain brain = RealBrain.provision(Map.of()).start(); Brain client = sdk(brain).build()) {
            String sessionId;
            try (Session s = client.session("refunds", "email")) {
                sessionId = s.id();
                s.tool("lookup_order", 120, true).tool("issue_refund", 300, false);
                s.llm("claude-haiku-4-5", 1000, 200, 0.5).llm("claude-haiku-4-5", 500, 100, 0.25);
                s.summary("Refunded order for a customer").escalate("amount over limit");
            }
            assertTrue(client.flush(Duration.ofSeconds(60)));
            List<String[]> rows = brain.rows();
            assertEquals(2, rows.size());
            String[] start = ofType(rows, "session.start").get(0);
            assertEquals(sessionId, start[2]);
            assertEquals("refunds", payload(start).get("category"));
            assertEquals("email", payload(start).get("source"));
            Map<String, Object> end = payload(ofType(rows, "session.end").get(0));
            assertEquals("escalated", end.get("status"));
            assertEquals(2, ((List<?>) end.get("tool_calls")).size());
            Map<?, ?> usage = (Map<?, ?>) ((List<?>) end.get("llm_usage")).get(0);
            assertEquals(1500.0, usage.get("input_tokens"));
            assertEquals(0.75, usage.get("cost_cents"));
            assertFalse(end.containsKey("summary_raw"), "tier b never stores the raw summary");
        }
    }

    @Test
    void the_brain_killed_mid_stream_and_restarted_gets_every_event_exactly_once() throws Exception {
        int total = 3000;
        try (RealBrain brain = RealBrain.provision(Map.of()).start();
             Brain client = sdk(brain).batchSize(50).build()) {
            Thread producer = new Thread(() -> {
                for (int i = 0; i < total; i++) {
                    client.track("session.start", "sess_" + i, Map.of("category", "stream"));
                    if (i % 100 == 0) {
                        sleep(100);
                    }
                }
            });
            producer.start();
            Thread.sleep(1000);
            brain.kill();
            Thread.sleep(1000);
            brain.start();
            producer.join();
            assertTrue(client.flush(Duration.ofSeconds(60)), "delivered after the restart");
            assertEquals(total, brain.count("select count(*) from events where agent_id = ?"));
            assertEquals(total, brain.count("select count(distinct event_id) from events where agent_id = ?"));
            assertEquals(total, brain.count("select count(distinct session_id) from events where agent_id = ?"));
        }
    }

    @Test
    void a_key_that_requires_signatures_gets_signed_requests_from_brain_signing_secret() throws Exception {
        try (RealBrain brain = RealBrain.provisionSigned(Map.of()).start()) {
            try (Brain client = sdk(brain).signingSecret(brain.signingSecret).build()) {
                client.track("session.start", "sess_signed", Map.of("category", "signed"));
                assertTrue(client.flush(Duration.ofSeconds(60)));
            }
            assertEquals(1, brain.count("select count(*) from events where agent_id = ?"));
            // Without the secret the same key is refused (401 signature_missing): nothing more arrives.
            HttpTransport unsigned = new HttpTransport(URI.create(brain.endpoint()), brain.apiKey, Duration.ofSeconds(10));
            Transport.Response r = unsigned.send("{\"events\":[]}".getBytes(StandardCharsets.UTF_8));
            assertEquals(401, r.status());
            assertTrue(r.body().contains("signature_missing"), r.body());
        }
    }

    @Test
    void a_process_that_exits_with_unsent_events_is_replayed_by_the_next_process() throws Exception {
        try (RealBrain brain = RealBrain.provision(Map.of())) {
            assertEquals(3, runShortLived(brain, 7, 300), "brain down: the first process cannot deliver");
            assertEquals(0, brain.count("select count(*) from events where agent_id = ?"));
            brain.start();
            assertEquals(0, runShortLived(brain, 0, 60_000), "the second process replays the spool");
            assertEquals(7, brain.count("select count(distinct event_id) from events where agent_id = ?"));
            assertEquals(7, brain.count("select count(*) from events where agent_id = ?"));
        }
    }

    private int runShortLived(RealBrain brain, int events, long flushMillis) throws Exception {
        Process p = new ProcessBuilder(RealBrain.javaBin(), "-cp", RealBrain.sdkClasspath(),
                ShortLivedProcess.class.getName(), brain.endpoint(), brain.apiKey, spool.toString(),
                Integer.toString(events), Long.toString(flushMillis)).inheritIO().start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            fail("the short-lived process did not exit within 120 s");
        }
        return p.exitValue();
    }

    @Test
    void a_429_with_retry_after_is_waited_out_and_nothing_is_lost() throws Exception {
        // One request per 4 s: a second one sent right after the first is refused even when requests are slow.
        Map<String, String> strict = Map.of("BRAIN_RATE_LIMIT_RPS", "0.25", "BRAIN_RATE_LIMIT_BURST", "1");
        try (RealBrain brain = RealBrain.provision(strict).start()) {
            List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
            List<Long> retryAfters = Collections.synchronizedList(new ArrayList<>());
            HttpTransport http = new HttpTransport(URI.create(brain.endpoint()), brain.apiKey, Duration.ofSeconds(10));
            Transport recording = body -> {
                Transport.Response r = http.send(body);
                statuses.add(r.status());
                retryAfters.add(r.retryAfterSeconds());
                return r;
            };
            try (Brain client = sdk(brain).transport(recording).batchSize(1).build()) {
                for (int i = 0; i < 4; i++) {
                    client.track("session.start", "sess_" + i, Map.of("category", "limited"));
                }
                assertTrue(client.flush(Duration.ofSeconds(60)));
            }
            assertTrue(statuses.contains(429), "the brain rate-limited us: " + statuses);
            int first429 = statuses.indexOf(429);
            assertTrue(retryAfters.get(first429) >= 0, "with a Retry-After");
            assertEquals(4, brain.count("select count(*) from events where agent_id = ?"));
            assertEquals(4, brain.count("select count(distinct event_id) from events where agent_id = ?"));
        }
    }

    @Test
    void a_partially_rejected_batch_stores_the_valid_events_once_and_drops_the_rest() throws Exception {
        try (RealBrain brain = RealBrain.provision(Map.of()).start()) {
            List<String> logged = Collections.synchronizedList(new ArrayList<>());
            try (Brain client = sdk(brain).flushInterval(Duration.ofMinutes(1))
                    .logger((level, message, error) -> logged.add(level + " " + message)).build()) {
                client.track("session.start", "sess_ok_1", Map.of("category", "a"));
                client.track("no.such.type", "sess_bad", Map.of());
                client.track("session.end", "sess_bad_2", Map.of("status", "not-a-status"));
                client.track("session.start", "sess_ok_2", Map.of("category", "b"));
                assertTrue(client.flush(Duration.ofSeconds(60)), logged::toString);
                client.track("session.start", "sess_ok_3", Map.of("category", "c"));
                assertTrue(client.flush(Duration.ofSeconds(60)), logged::toString);
            }
            Set<String> sessions = brain.rows().stream().map(r -> r[2]).collect(Collectors.toSet());
            assertEquals(Set.of("sess_ok_1", "sess_ok_2", "sess_ok_3"), sessions);
            assertEquals(3, brain.count("select count(*) from events where agent_id = ?"));
            assertEquals(2, logged.stream().filter(m -> m.startsWith("WARN the brain rejected event")).count(), logged.toString());
        }
    }

    @Test
    void spool_overflow_drops_the_oldest_and_the_heartbeat_reports_the_count() throws Exception {
        int total = 400;
        try (RealBrain brain = RealBrain.provision(Map.of())) {
            // Only the heartbeat at close reports: a periodic one spooled during the overflow would be dropped with the
            // oldest events, its count with it.
            try (Brain client = sdk(brain).batchSize(20).spoolMaxBytes(16 * 1024)
                    .heartbeatInterval(Duration.ofHours(1)).build()) {
                for (int i = 0; i < total; i += 20) {
                    for (int j = i; j < i + 20; j++) {
                        client.track("session.start", "sess_" + j, Map.of("category", "overflow"));
                    }
                    client.flush(Duration.ZERO);
                }
                brain.start();
                assertTrue(client.flush(Duration.ofSeconds(60)));
            }
            List<String[]> rows = brain.rows();
            List<String[]> starts = ofType(rows, "session.start");
            long reported = ofType(rows, "heartbeat").stream()
                    .mapToLong(r -> ((Double) payload(r).get("dropped_events_since_last")).longValue()).sum();
            Set<String> sessions = new HashSet<>();
            starts.forEach(r -> sessions.add(r[2]));
            assertTrue(starts.size() < total, "some were dropped");
            assertEquals(total, starts.size() + reported, "every dropped event is counted in a heartbeat");
            assertTrue(sessions.contains("sess_" + (total - 1)), "the newest are kept");
            // Oldest first, except that a batch file being sent at that moment is never deleted under the
            // sender: at most one batch (20 events) may survive among the older, dropped ones.
            int newestDropped = -1;
            for (int i = 0; i < total; i++) {
                if (!sessions.contains("sess_" + i)) {
                    newestDropped = i;
                }
            }
            int keptOlder = 0;
            for (int i = 0; i < newestDropped; i++) {
                if (sessions.contains("sess_" + i)) {
                    keptOlder++;
                }
            }
            assertTrue(keptOlder <= 20, keptOlder + " events older than the newest dropped one were kept");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
