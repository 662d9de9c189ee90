package dev.brain.sdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static dev.brain.sdk.Fixtures.builder;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NeverThrowsTest {
    @TempDir
    Path spool;

    /** A map whose every read throws: the worst payload a caller could hand us. */
    static final class HostileMap extends AbstractMap<String, Object> {
        @Override
        public Set<Entry<String, Object>> entrySet() {
            throw new IllegalStateException("hostile");
        }
    }

    /** A value whose toString throws. */
    static final class Unprintable {
        @Override
        public String toString() {
            throw new IllegalStateException("unprintable");
        }
    }

    private static void exerciseEverything(Brain brain) {
        brain.track(null, null);
        brain.track("session.start", null);
        brain.track("session.start", null, new HostileMap());
        Map<String, Object> selfReferencing = new HashMap<>();
        selfReferencing.put("self", selfReferencing);
        selfReferencing.put("odd", new Unprintable());
        selfReferencing.put("nan", Double.NaN);
        brain.track("session.start", "s", selfReferencing);
        Session s = brain.session(null, null);
        s.tool(null, -5, true).tool(null, (Duration) null, false).tool("t", Duration.ofSeconds(Long.MAX_VALUE), true);
        s.llm(null, -1, -1, Double.NaN).summary(null).attribute(null, null).attribute("k", new Unprintable());
        s.fail((Throwable) null).fail((String) null).escalate(null);
        s.fail(new RuntimeException() {
            @Override
            public String getMessage() {
                throw new IllegalStateException("hostile message");
            }
        });
        s.close();
        s.close();
        brain.run(null, null);
        brain.call(null, null);
        brain.flush(null);
        brain.flush(Duration.ofSeconds(-1));
        brain.close();
        brain.close();
        brain.track("session.start", Map.of("category", "after close"));
        brain.session("after close").close();
    }

    @Test
    void no_public_method_throws_on_null_or_garbage_arguments() {
        Brain brain = builder(new FakeTransport(), spool).shutdownTimeout(Duration.ofMillis(200)).build();
        assertDoesNotThrow(() -> brain.flush(Duration.ofSeconds(Long.MAX_VALUE)));
        assertDoesNotThrow(() -> exerciseEverything(brain));
    }

    @Test
    void garbage_settings_are_reported_and_defaults_kept() {
        Fixtures.RecordingLogger logger = new Fixtures.RecordingLogger();
        Brain brain = builder(new FakeTransport(), spool).logger(logger).batchSize(0).batchSize(10_000)
                .bufferCapacity(-1).spoolMaxBytes(-1).flushInterval(null).heartbeatInterval(Duration.ofDays(-1))
                .shutdownTimeout(null).requestTimeout(Duration.ZERO).maxRetryBackoff(null).build();
        assertTrue(brain.isEnabled());
        assertTrue(logger.lines.size() >= 9, logger.lines.toString());
        assertDoesNotThrow(() -> exerciseEverything(brain));
    }

    @Test
    void without_a_key_or_with_a_garbage_endpoint_the_client_is_a_silent_no_op() {
        Brain noKey = new Brain.Builder(name -> null).build();
        assertFalse(noKey.isEnabled());
        assertDoesNotThrow(() -> exerciseEverything(noKey));
        Brain garbage = new Brain.Builder(name -> null).apiKey("k").endpoint("::not a url::").shutdownHook(false).build();
        assertFalse(garbage.isEnabled());
        Brain fromEnv = new Brain.Builder(name -> name.equals("BRAIN_API_KEY") ? "  " : null).build();
        assertFalse(fromEnv.isEnabled(), "a blank key is no key");
    }

    @Test
    void an_unresolvable_endpoint_neither_throws_nor_blocks() {
        Brain brain = new Brain.Builder(name -> null).apiKey("k").endpoint("http://brain.invalid:9")
                .spoolDir(spool).shutdownHook(false).shutdownTimeout(Duration.ofMillis(300)).build();
        assertTrue(brain.isEnabled());
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            brain.track("session.start", Map.of("category", "x"));
        }
        long trackMillis = (System.nanoTime() - start) / 1_000_000;
        // Milliseconds when track only enqueues; the bound leaves room for a loaded machine, not for a lookup per call.
        assertTrue(trackMillis < 5000, "track took " + trackMillis + " ms");
        assertFalse(brain.flush(Duration.ofMillis(500)));
        long closeStart = System.nanoTime();
        assertDoesNotThrow(brain::close);
        // 0.3 s shutdown timeout and at most 0.5 s of joins, plus room for a loaded machine: under the 10 s request timeout.
        long closeMillis = (System.nanoTime() - closeStart) / 1_000_000;
        assertTrue(closeMillis < 8000, "close took " + closeMillis + " ms");
    }

    @Test
    void a_throwing_transport_or_logger_does_not_reach_the_agent() {
        Transport broken = body -> {
            throw new IllegalStateException("transport bug");
        };
        BrainLogger brokenLogger = (level, message, error) -> {
            throw new IllegalStateException("logger bug");
        };
        Brain brain = builder(broken, spool).logger(brokenLogger).shutdownTimeout(Duration.ofMillis(200)).build();
        assertDoesNotThrow(() -> {
            brain.track("session.start", Map.of("category", "x"));
            assertFalse(brain.flush(Duration.ofMillis(300)));
            exerciseEverything(brain);
        });
    }

    @Test
    void flush_and_close_return_within_their_deadline_when_the_brain_hangs() {
        FakeTransport hanging = new FakeTransport().delay(60_000);
        Brain brain = builder(hanging, spool).shutdownTimeout(Duration.ofMillis(300)).build();
        brain.track("session.start", Map.of("category", "x"));
        long start = System.nanoTime();
        assertFalse(brain.flush(Duration.ofMillis(300)));
        brain.close();
        long millis = (System.nanoTime() - start) / 1_000_000;
        // 0.3 s + 0.3 s + at most 0.5 s of joins, plus room for a loaded machine; the hanging request takes 60 s.
        assertTrue(millis < 10_000, "took " + millis + " ms");
    }
}
