package dev.brain.sdk.bench;

import dev.brain.sdk.Brain;
import dev.brain.sdk.Session;
import dev.brain.sdk.Transport;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What a recording call costs the agent's thread, whether heap stays flat while the brain is
 * down, and (with BRAIN_BENCH_ENDPOINT and BRAIN_BENCH_KEY) events/s into a real brain.
 * Run: {@code java -cp sdk/target/classes:sdk/target/test-classes dev.brain.sdk.bench.SdkBench [deadSeconds]}.
 */
public final class SdkBench {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static volatile Object sink;

    private SdkBench() {
    }

    public static void main(String[] args) throws Exception {
        int deadSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int deadRate = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        Path spool = Files.createTempDirectory("brain-bench");
        Transport instant = body -> Transport.Response.of(202, "{\"accepted\":0,\"duplicates\":0,\"rejected\":[]}");
        try (Brain brain = Brain.builder().apiKey("bench").transport(instant).spoolDir(spool)
                .heartbeatInterval(Duration.ZERO).shutdownHook(false).build()) {
            for (int round = 0; round < 3; round++) {
                boolean report = round == 2;
                toolCalls(brain, 2_000_000, report);
                tracks(brain, 2_000_000, report);
                sessions(brain, 500_000, report);
            }
        }
        deadBrain(spool, deadSeconds, deadRate);
        String endpoint = System.getenv("BRAIN_BENCH_ENDPOINT");
        String key = System.getenv("BRAIN_BENCH_KEY");
        if (endpoint != null && key != null) {
            throughput(endpoint, key, spool, 100_000);
        } else {
            System.out.println("throughput: set BRAIN_BENCH_ENDPOINT and BRAIN_BENCH_KEY to measure events/s into a brain");
        }
    }

    private static void toolCalls(Brain brain, int calls, boolean report) {
        long elapsed = 0;
        long allocated = 0;
        long tid = Thread.currentThread().getId();
        for (int done = 0; done < calls; done += 100) {
            Session s = brain.session("bench");
            long bytes = THREADS.getThreadAllocatedBytes(tid);
            long start = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                s.tool("search_kb", i, true);
            }
            elapsed += System.nanoTime() - start;
            allocated += THREADS.getThreadAllocatedBytes(tid) - bytes;
            s.close();
        }
        if (report) {
            System.out.printf("session.tool(...): %.1f ns/call, %.1f bytes allocated/call (%d calls)%n",
                    (double) elapsed / calls, (double) allocated / calls, calls);
        }
    }

    private static void tracks(Brain brain, int calls, boolean report) {
        Map<String, Object> payload = Map.of("category", "bench", "source", "loop");
        long tid = Thread.currentThread().getId();
        long bytes = THREADS.getThreadAllocatedBytes(tid);
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            brain.track("session.start", "sess_bench", payload);
        }
        long elapsed = System.nanoTime() - start;
        long allocated = THREADS.getThreadAllocatedBytes(tid) - bytes;
        if (report) {
            System.out.printf("track(type, sessionId, payload): %.1f ns/call, %.1f bytes allocated/call (%d calls)%n",
                    (double) elapsed / calls, (double) allocated / calls, calls);
        }
    }

    private static void sessions(Brain brain, int count, boolean report) {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Session s = brain.session("bench");
            s.close();
            sink = s;
        }
        if (report) {
            System.out.printf("session(...) + close(): %.1f ns/pair (%d pairs)%n", (double) (System.nanoTime() - start) / count, count);
        }
    }

    /** Records {@code rate} events/s (50k by default: far more than an hour's traffic) into a dead endpoint; samples used heap after GC. */
    private static void deadBrain(Path spool, int seconds, int rate) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Map<String, Object> payload = Map.of("category", "bench", "source", "dead");
        try (Brain brain = Brain.builder().apiKey("bench").endpoint("http://127.0.0.1:" + port)
                .spoolDir(spool.resolve("dead")).heartbeatInterval(Duration.ofSeconds(5)).flushInterval(Duration.ofSeconds(1))
                .shutdownTimeout(Duration.ZERO).shutdownHook(false).build()) {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long recorded = 0;
            StringBuilder samples = new StringBuilder();
            long nextSample = System.nanoTime();
            while (System.nanoTime() < end) {
                for (int i = 0; i < rate / 50; i++) {
                    brain.track("session.start", "sess_dead", payload);
                }
                recorded += rate / 50;
                Thread.sleep(20);
                if (System.nanoTime() >= nextSample) {
                    System.gc();
                    samples.append(memory.getHeapMemoryUsage().getUsed() / 1024 / 1024).append("MiB ");
                    nextSample += 5_000_000_000L;
                }
            }
            System.out.printf("dead brain for %d s at %d events/s, %d events recorded: used heap after GC every 5 s: %s%n",
                    seconds, rate, recorded, samples.toString().trim());
        }
    }

    private static void throughput(String endpoint, String key, Path spool, int events) {
        Map<String, Object> payload = Map.of("category", "bench", "source", "throughput");
        try (Brain brain = Brain.builder().apiKey(key).endpoint(endpoint).spoolDir(spool.resolve("live"))
                .bufferCapacity(events).batchSize(500).heartbeatInterval(Duration.ZERO).shutdownHook(false).build()) {
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                brain.track("session.start", "sess_tp_" + (i % 1000), payload);
            }
            boolean delivered = brain.flush(Duration.ofMinutes(5));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("throughput into %s: %d events in %.2f s = %.0f events/s (delivered: %s)%n",
                    endpoint, events, seconds, events / seconds, delivered);
        }
    }
}
