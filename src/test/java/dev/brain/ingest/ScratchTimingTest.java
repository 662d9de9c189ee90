package dev.brain.ingest;

import static dev.brain.support.Brain.start;

import dev.brain.support.Brain;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScratchTimingTest {
    @Test
    void time() throws Exception {
        for (int round = 0; round < 2; round++) {
            try (Brain brain = Brain.start(Map.of())) {
                String hot = brain.newAgentKey("cust_rl", "agent_hot", "b");
                StringBuilder sb = new StringBuilder("SCRATCH");
                long t0 = System.nanoTime();
                for (int i = 0; i < 4; i++) {
                    long t = System.nanoTime();
                    brain.post(hot, start("s"));
                    sb.append(' ').append((System.nanoTime() - t) / 1_000_000);
                }
                sb.append(" total ").append((System.nanoTime() - t0) / 1_000_000);
                System.err.println(sb);
            }
        }
    }
}
