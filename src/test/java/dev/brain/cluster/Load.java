package dev.brain.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/** Closed-loop ingest load: one keep-alive client per key posting 100-event batches; events accepted per second. */
final class Load {
    private Load() {
    }

    /** Events accepted per second, and the cores `cpuSeconds` (the brains' CPU time) used, over the measured window. */
    record Result(double eventsPerSecond, double brainCores) {
    }

    static Result run(String base, List<String> keys, Duration warmup, Duration measure, DoubleSupplier cpuSeconds) throws Exception {
        long from = System.nanoTime() + warmup.toNanos();
        long until = from + measure.toNanos();
        AtomicLong accepted = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (String key : keys) {
            Thread t = new Thread(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                while (System.nanoTime() < until) {
                    try {
                        var r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/events")).timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(batch())).build(), HttpResponse.BodyHandlers.discarding());
                        long now = System.nanoTime();
                        if (r.statusCode() == 202 && now >= from && now < until) {
                            accepted.addAndGet(100);
                        }
                    } catch (Exception e) {
                        // counted as nothing accepted; the next batch goes on
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        sleepUntil(from);
        double cpuFrom = cpuSeconds.getAsDouble();
        sleepUntil(until);
        double cpu = cpuSeconds.getAsDouble() - cpuFrom;
        for (Thread t : threads) {
            t.join();
        }
        double seconds = measure.toNanos() / 1e9;
        return new Result(accepted.get() / seconds, cpu / seconds);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000);
        }
    }

    private static String batch() {
        var b = new StringBuilder("{\"events\":[");
        String session = "load_" + UUID.randomUUID();
        String now = Instant.now().toString();
        for (int i = 0; i < 100; i++) {
            b.append(i == 0 ? "" : ",").append("{\"event_id\":\"").append(UUID.randomUUID()).append("\",\"ts\":\"").append(now)
                    .append("\",\"event_type\":\"session.start\",\"session_id\":\"").append(session).append(i)
                    .append("\",\"payload\":{\"category\":\"load_test\",\"source\":\"bench\"}}");
        }
        return b.append("],\"sent_at\":\"").append(now).append("\"}").toString();
    }
}
