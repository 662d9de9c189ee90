package dev.brain.sdk.e2e;

import dev.brain.sdk.Brain;
import dev.brain.sdk.Session;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An agent on the public API that records a session every 5 ms until it is killed, and prints
 * {@code <session id> <epoch millis>} to stdout once each session is closed (for the test, not a
 * log). Gives up after two minutes so it never outlives a test that died.
 * Usage: {@code <endpoint> <key> <spool dir> <flush interval millis>}.
 */
public final class RecordingAgent {
    private RecordingAgent() {
    }

    public static void main(String[] args) throws InterruptedException {
        Brain brain = Brain.builder().endpoint(args[0]).apiKey(args[1]).spoolDir(Paths.get(args[2]))
                .flushInterval(Duration.ofMillis(Long.parseLong(args[3]))).heartbeatInterval(Duration.ZERO).build();
        long giveUpAt = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() - giveUpAt < 0) {
            String id;
            try (Session s = brain.session("hung-brain", "e2e")) {
                id = s.id();
                s.tool("lookup_order", 3, true);
            }
            System.out.println(id + " " + System.currentTimeMillis());
            System.out.flush();
            Thread.sleep(5);
        }
        brain.close();
    }
}
