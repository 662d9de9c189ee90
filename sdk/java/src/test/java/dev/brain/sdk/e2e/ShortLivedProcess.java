package dev.brain.sdk.e2e;

import dev.brain.sdk.Brain;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;

/**
 * A short-lived process using the SDK the way a hook command does: record a few events, try to
 * send them within a hard deadline, exit. Exit status 0 when everything was delivered, 3 if not.
 * Usage: {@code <endpoint> <key> <spool dir> <events to record> <flush millis>}.
 */
public final class ShortLivedProcess {
    private ShortLivedProcess() {
    }

    public static void main(String[] args) {
        int events = Integer.parseInt(args[3]);
        try (Brain brain = Brain.builder().endpoint(args[0]).apiKey(args[1]).spoolDir(Paths.get(args[2]))
                .heartbeatInterval(Duration.ZERO).shutdownTimeout(Duration.ofMillis(200)).build()) {
            for (int i = 0; i < events; i++) {
                brain.track("session.start", "sess_short_" + i, Map.of("category", "hook"));
            }
            boolean delivered = brain.flush(Duration.ofMillis(Long.parseLong(args[4])));
            brain.close();
            System.exit(delivered ? 0 : 3);
        }
    }
}
