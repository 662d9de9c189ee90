package dev.brain.sdk.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Spool first, whatever the network does: a brain that accepts connections but never answers
 * (SIGSTOP: the kernel's backlog still completes the TCP handshake) must not keep recorded events
 * out of the spool, so a kill -9 of the agent loses at most its last flush interval.
 */
class HungBrainTest {
    private static final long FLUSH_MILLIS = 100;
    private static final long RECORD_MILLIS = 6000;
    // Room for a 2-core machine shared with other work to schedule the SDK's thread late; the
    // unfixed SDK fails by the whole recording (its only thread waits in the HTTP send).
    private static final long SCHEDULING_ALLOWANCE_MILLIS = 1000;

    @TempDir
    Path spool;
    @TempDir
    Path work;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void sessions_recorded_while_the_brain_hangs_are_spooled_and_survive_a_kill_9_of_the_agent() throws Exception {
        try (RealBrain brain = RealBrain.provision(Map.of()).start()) {
            brain.signal("STOP");
            Path out = work.resolve("agent.out");
            Process agent = new ProcessBuilder(RealBrain.javaBin(), "-cp", RealBrain.sdkClasspath(),
                    RecordingAgent.class.getName(), brain.endpoint(), brain.apiKey, spool.toString(),
                    Long.toString(FLUSH_MILLIS)).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            long killedAt;
            try {
                awaitFirstSession(agent, out);
                Thread.sleep(RECORD_MILLIS);
                killedAt = System.currentTimeMillis();
            } finally {
                agent.destroyForcibly();
            }
            assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "the agent died");
            Map<String, Long> recorded = recordedSessions(out);
            Set<String> due = new HashSet<>();
            recorded.forEach((id, at) -> {
                if (at <= killedAt - FLUSH_MILLIS - SCHEDULING_ALLOWANCE_MILLIS) {
                    due.add(id);
                }
            });
            assertFalse(due.isEmpty(), "the agent recorded sessions before the kill");

            brain.signal("CONT");
            Process drainer = new ProcessBuilder(RealBrain.javaBin(), "-cp", RealBrain.sdkClasspath(),
                    ShortLivedProcess.class.getName(), brain.endpoint(), brain.apiKey, spool.toString(), "0",
                    "120000").inheritIO().start();
            assertTrue(drainer.waitFor(150, TimeUnit.SECONDS), "the second agent finished");
            Set<String> stored = awaitStored(brain, due);

            Set<String> missing = new HashSet<>(due);
            missing.removeAll(stored);
            assertTrue(missing.isEmpty(), "stored " + (due.size() - missing.size()) + " of the " + due.size()
                    + " sessions closed at least " + (FLUSH_MILLIS + SCHEDULING_ALLOWANCE_MILLIS)
                    + " ms before the kill (" + recorded.size() + " recorded, " + stored.size() + " stored in all)");
            assertEquals(0, drainer.exitValue(), "the second agent emptied the spool");
            assertNoDuplicates(brain);
        }
    }

    private static void awaitFirstSession(Process agent, Path out) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Files.size(out) == 0) {
            if (!agent.isAlive() || System.nanoTime() - deadline > 0) {
                fail("the agent recorded nothing (alive: " + agent.isAlive() + ")");
            }
            Thread.sleep(50);
        }
    }

    /** Session id to when the agent had closed it; a line cut short by the kill is not a recorded session. */
    private static Map<String, Long> recordedSessions(Path out) throws Exception {
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Map<String, Long> sessions = new HashMap<>();
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            String[] parts = line.trim().split(" ");
            if (parts.length == 2) {
                sessions.put(parts[0], Long.parseLong(parts[1]));
            }
        }
        return sessions;
    }

    /** Sessions with both their start and their end stored, once every due one is there or the deadline passed. */
    private static Set<String> awaitStored(RealBrain brain, Set<String> due) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Set<String> starts = new HashSet<>();
            Set<String> complete = new HashSet<>();
            List<String[]> rows = brain.rows();
            rows.stream().filter(r -> r[1].equals("session.start")).forEach(r -> starts.add(r[2]));
            rows.stream().filter(r -> r[1].equals("session.end") && starts.contains(r[2])).forEach(r -> complete.add(r[2]));
            if (complete.containsAll(due) || System.nanoTime() - deadline > 0) {
                return complete;
            }
            Thread.sleep(250);
        }
    }

    private static void assertNoDuplicates(RealBrain brain) throws Exception {
        Map<String, Integer> perSessionAndType = new HashMap<>();
        List<String> twice = new ArrayList<>();
        for (String[] row : brain.rows()) {
            if (perSessionAndType.merge(row[2] + " " + row[1], 1, Integer::sum) == 2) {
                twice.add(row[2] + " " + row[1]);
            }
        }
        assertTrue(twice.isEmpty(), "stored more than once: " + twice);
    }
}
