package dev.brain.sdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.brain.sdk.Fixtures.builder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spool first whatever the network does: a send that never returns does not keep events off the disk. */
class HangingSendTest {
    @TempDir
    Path spool;

    @Test
    void events_recorded_while_a_send_hangs_still_reach_the_spool() throws Exception {
        CountDownLatch sending = new CountDownLatch(1);
        Transport hanging = body -> {
            sending.countDown();
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
            return Transport.Response.of(202, "{}");
        };
        try (Brain brain = builder(hanging, spool).shutdownTimeout(Duration.ZERO).build()) {
            brain.track("session.start", "sess_first", Map.of("category", "c"));
            assertTrue(sending.await(30, TimeUnit.SECONDS), "the first batch is being sent");
            for (int i = 0; i < 10; i++) {
                brain.track("session.start", "sess_" + i, Map.of("category", "c"));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (spooledEvents() < 11 && System.nanoTime() - deadline < 0) {
                Thread.sleep(20);
            }
            assertEquals(11, spooledEvents(), "every recorded event is on disk, with no flush() called");
        }
    }

    private long spooledEvents() throws IOException {
        try (Stream<Path> s = Files.walk(spool)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")
                    && !p.getFileName().toString().startsWith(".")).collect(Collectors.toList());
            long lines = 0;
            for (Path f : files) {
                lines += Files.readAllLines(f, StandardCharsets.UTF_8).size();
            }
            return lines;
        }
    }
}
