package dev.brain.sdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.brain.sdk.Fixtures.builder;
import static dev.brain.sdk.Fixtures.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeliveryTest {
    @TempDir
    Path spool;

    private static void track(Brain brain, int n) {
        for (int i = 0; i < n; i++) {
            brain.track("session.start", "sess_" + i, Map.of("category", "c" + i));
        }
    }

    /**
     * A client past its sender's start-up cycle that sends only when flushed, so the events tracked next go as one
     * batch, however slowly the test thread runs.
     */
    private static Brain flushedOnly(Brain.Builder builder) {
        Brain brain = builder.flushInterval(Duration.ofMinutes(10)).build();
        assertTrue(brain.flush(Duration.ofSeconds(30)));
        return brain;
    }

    @Test
    void events_go_in_gzip_batches_of_at_most_the_batch_size() throws Exception {
        FakeTransport transport = new FakeTransport();
        try (Brain brain = builder(transport, spool).batchSize(10).build()) {
            track(brain, 35);
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        assertEquals(35, transport.events().size());
        assertEquals(35, new HashSet<>(ids(transport.events())).size());
        assertTrue(transport.requests().stream().allMatch(r -> r.size() <= 10));
    }

    @Test
    void a_tracked_event_keeps_the_timestamp_it_was_given() throws Exception {
        FakeTransport transport = new FakeTransport();
        Instant then = Instant.parse("2026-04-29T10:30:00.125Z");
        try (Brain brain = builder(transport, spool).build()) {
            brain.track("session.end", "sess_late", then, Map.of("status", "success"));
            brain.track("session.start", "sess_now", null, Map.of("category", "c"));
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        List<Map<String, Object>> events = transport.events();
        assertEquals("2026-04-29T10:30:00.125Z", events.get(0).get("ts"));
        assertTrue(Instant.parse((String) events.get(1).get("ts")).isAfter(then));
    }

    @Test
    void a_full_batch_is_sent_without_waiting_for_the_interval() throws Exception {
        FakeTransport transport = new FakeTransport();
        try (Brain brain = builder(transport, spool).batchSize(5).flushInterval(Duration.ofMinutes(10)).build()) {
            track(brain, 5);
            assertTrue(transport.awaitRequests(1, 60_000));
        }
    }

    @Test
    void server_errors_and_network_failures_are_retried_with_the_same_event_ids() throws Exception {
        FakeTransport transport = new FakeTransport().then(
                Transport.Response.of(503, "{}"), new ConnectException("refused"));
        try (Brain brain = builder(transport, spool).build()) {
            track(brain, 3);
            assertTrue(transport.awaitRequests(3, 60_000));
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        List<List<Map<String, Object>>> requests = transport.requests();
        // At least three, not exactly: a slow machine may split the three events over two batches.
        assertTrue(requests.size() >= 3, requests.size() + " requests");
        assertEquals(ids(requests.get(0)), ids(requests.get(1)));
        assertEquals(ids(requests.get(0)), ids(requests.get(2)));
        List<Object> accepted = new ArrayList<>();
        requests.subList(2, requests.size()).forEach(r -> accepted.addAll(ids(r)));
        assertEquals(3, accepted.size(), "after the two failures, each event is delivered once");
        assertEquals(3, new HashSet<>(accepted).size());
    }

    @Test
    void retry_after_on_429_is_honoured() throws Exception {
        FakeTransport transport = new FakeTransport().then(new Transport.Response(429, 2, "{}"));
        try (Brain brain = builder(transport, spool).build()) {
            track(brain, 2);
            assertTrue(transport.awaitRequests(2, 60_000));
        }
        List<Long> times = transport.requestTimes();
        long waitedMillis = (times.get(1) - times.get(0)) / 1_000_000;
        assertTrue(waitedMillis >= 2000, "waited only " + waitedMillis + " ms");
        assertEquals(ids(transport.requests().get(0)), ids(transport.requests().get(1)));
    }

    @Test
    void a_partial_rejection_drops_exactly_the_rejected_events_and_logs_each_once() throws Exception {
        FakeTransport transport = new FakeTransport();
        Fixtures.RecordingLogger logger = new Fixtures.RecordingLogger();
        transport.then(new Transport.Response(207, -1,
                "{\"accepted\":2,\"duplicates\":0,\"rejected\":[{\"index\":1,\"event_id\":\"e-1\","
                        + "\"code\":\"unknown_event_type\",\"message\":\"no such type\"}]}"));
        try (Brain brain = flushedOnly(builder(transport, spool).logger(logger))) {
            brain.track("session.start", "s", Map.of("category", "a"));
            brain.track("nonsense", "s", Map.of());
            brain.track("session.start", "s", Map.of("category", "b"));
            assertTrue(brain.flush(Duration.ofSeconds(30)));
            track(brain, 1);
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        assertEquals(2, transport.requests().size());
        assertEquals(3, transport.requests().get(0).size());
        assertEquals(1, transport.requests().get(1).size(), "accepted ones are never sent again");
        assertEquals(1, logger.matching("e-1 (unknown_event_type)").size());
    }

    @Test
    void a_400_is_dropped_and_not_retried() throws Exception {
        FakeTransport transport = new FakeTransport().then(
                Transport.Response.of(400, "{\"error\":\"invalid_body\",\"message\":\"nope\"}"));
        try (Brain brain = flushedOnly(builder(transport, spool))) {
            track(brain, 2);
            assertTrue(brain.flush(Duration.ofSeconds(30)));
            Thread.sleep(300);
        }
        List<Map<String, Object>> starts = Fixtures.ofType(transport.events(), "session.start");
        assertEquals(2, starts.size(), "each event sent once, never retried");
        assertEquals(2, new HashSet<>(ids(starts)).size());
        Map<String, Object> heartbeat = Fixtures.ofType(transport.events(), "heartbeat").get(0);
        assertEquals(2.0, FakeTransport.payload(heartbeat).get("dropped_events_since_last"));
    }

    @Test
    void a_401_is_not_retried_soon_and_the_events_stay_spooled() throws Exception {
        FakeTransport transport = new FakeTransport().then(Transport.Response.of(401, "{\"error\":\"unauthorized\"}"));
        Fixtures.RecordingLogger logger = new Fixtures.RecordingLogger();
        try (Brain brain = flushedOnly(builder(transport, spool).logger(logger).shutdownTimeout(Duration.ZERO))) {
            track(brain, 2);
            assertFalse(brain.flush(Duration.ofMillis(1500)));
        }
        assertEquals(1, transport.requests().size());
        assertEquals(1, logger.matching("401").size());
        FakeTransport next = new FakeTransport();
        try (Brain brain = builder(next, spool).build()) {
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        assertEquals(2, next.events().size(), "a later process with a good key sends them");
        Set<Object> firstIds = new HashSet<>(ids(transport.requests().get(0)));
        assertEquals(firstIds, new HashSet<>(ids(next.events())));
    }
}
