package dev.brain.sdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.brain.sdk.FakeTransport.payload;
import static dev.brain.sdk.Fixtures.builder;
import static dev.brain.sdk.Fixtures.ids;
import static dev.brain.sdk.Fixtures.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpoolTest {
    @TempDir
    Path spool;

    /** A brain that can be switched off: connection refused until {@link #up}. */
    static final class Switchable implements Transport {
        final FakeTransport inner = new FakeTransport();
        volatile boolean up;
        volatile int refused;

        @Override
        public Response send(byte[] body) throws IOException, InterruptedException {
            if (!up) {
                refused++;
                throw new ConnectException("connection refused");
            }
            return inner.send(body);
        }
    }

    private static void track(Brain brain, int from, int to) {
        for (int i = from; i < to; i++) {
            brain.track("session.start", "sess_" + i, Map.of("category", "c" + i));
        }
    }

    private List<Path> spoolFiles() throws IOException {
        try (Stream<Path> s = Files.walk(spool)) {
            return s.filter(p -> p.toString().endsWith(".jsonl")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void events_a_closed_client_could_not_send_are_sent_by_the_next_process() throws Exception {
        Switchable down = new Switchable();
        try (Brain first = builder(down, spool).shutdownTimeout(Duration.ofMillis(100)).build()) {
            track(first, 0, 25);
            assertFalse(first.flush(Duration.ofMillis(200)));
        }
        assertFalse(spoolFiles().isEmpty(), "written to disk before any send");
        FakeTransport up = new FakeTransport();
        try (Brain second = builder(up, spool).build()) {
            assertTrue(second.flush(Duration.ofSeconds(30)));
        }
        assertEquals(25, up.events().size());
        assertEquals(25, new HashSet<>(ids(up.events())).size());
        assertTrue(spoolFiles().isEmpty());
    }

    @Test
    void a_client_with_another_key_never_sends_spooled_events() throws Exception {
        Switchable down = new Switchable();
        try (Brain first = builder(down, spool).shutdownTimeout(Duration.ZERO).build()) {
            track(first, 0, 3);
        }
        FakeTransport other = new FakeTransport();
        try (Brain second = builder(other, spool).apiKey("brain_other_key").build()) {
            assertTrue(second.flush(Duration.ofSeconds(30)));
        }
        assertEquals(0, other.events().size());
    }

    @Test
    void spool_overflow_drops_the_oldest_and_the_next_heartbeat_counts_them() throws Exception {
        Switchable brainUp = new Switchable();
        // Only the heartbeat at close reports: a periodic one spooled during the overflow would be dropped with the
        // oldest events, its count with it. The 1 s retry ceiling lets the brain coming up be noticed at once.
        try (Brain brain = builder(brainUp, spool).batchSize(10).spoolMaxBytes(8 * 1024)
                .heartbeatInterval(Duration.ofHours(1)).maxRetryBackoff(Duration.ofSeconds(1)).build()) {
            for (int i = 0; i < 200; i += 10) {
                track(brain, i, i + 10);
                brain.flush(Duration.ZERO);
            }
            brainUp.up = true;
            assertTrue(brainUp.inner.awaitRequests(1, 60_000));
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        List<Map<String, Object>> events = brainUp.inner.events();
        List<Map<String, Object>> starts = ofType(events, "session.start");
        long dropped = ofType(events, "heartbeat").stream()
                .mapToLong(h -> ((Double) payload(h).get("dropped_events_since_last")).longValue()).sum();
        assertTrue(starts.size() < 200, "some were dropped");
        assertEquals(200, starts.size() + dropped, "every dropped event is counted");
        Set<Object> sessions = starts.stream().map(e -> e.get("session_id")).collect(Collectors.toSet());
        assertTrue(sessions.contains("sess_199"), "the newest survive");
        assertFalse(sessions.contains("sess_0"), "the oldest go");
    }

    @Test
    void a_torn_or_corrupt_spool_file_is_skipped_not_fatal() throws Exception {
        Switchable down = new Switchable();
        try (Brain first = builder(down, spool).batchSize(5).shutdownTimeout(Duration.ZERO).build()) {
            for (int i = 0; i < 15; i += 5) {
                track(first, i, i + 5);
                first.flush(Duration.ZERO);
            }
        }
        List<Path> files = spoolFiles();
        assertTrue(files.size() >= 2);
        byte[] first = Files.readAllBytes(files.get(0));
        first[20] = (byte) (first[20] ^ 0x55);
        Files.write(files.get(0), first);
        Path last = files.get(files.size() - 1);
        byte[] second = Files.readAllBytes(last);
        Files.write(last, java.util.Arrays.copyOf(second, second.length - 30));
        Path dir = files.get(0).getParent();
        Files.write(dir.resolve("0000000000000-000000-1-9.jsonl"), new byte[] {1, 2, 3, (byte) 0xff, '\n'});
        Files.write(dir.resolve("notes.txt"), "not a spool file".getBytes(StandardCharsets.UTF_8));

        FakeTransport up = new FakeTransport();
        try (Brain next = builder(up, spool).heartbeatInterval(Duration.ofMillis(100)).build()) {
            Thread.sleep(300);
            assertTrue(next.flush(Duration.ofSeconds(30)));
        }
        List<Map<String, Object>> starts = ofType(up.events(), "session.start");
        assertEquals(15 - 2, starts.size(), "only the damaged lines are lost");
        long reported = ofType(up.events(), "heartbeat").stream()
                .mapToLong(h -> ((Double) payload(h).get("dropped_events_since_last")).longValue()).sum();
        assertEquals(1 + 1 + 9, reported);
    }

    @Test
    void an_unwritable_spool_directory_falls_back_to_memory() throws Exception {
        Path notADirectory = spool.resolve("file");
        Files.write(notADirectory, new byte[] {1});
        Fixtures.RecordingLogger logger = new Fixtures.RecordingLogger();
        FakeTransport transport = new FakeTransport();
        try (Brain brain = builder(transport, notADirectory).logger(logger).build()) {
            track(brain, 0, 10);
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        assertEquals(10, transport.events().size());
        assertEquals(1, logger.matching("cannot write the spool directory").size(), "logged once");
    }
}
