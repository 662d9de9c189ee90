import dev.brain.sdk.Brain;
import dev.brain.sdk.BrainLogger;
import dev.brain.sdk.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One agent process for `make test-cluster`: runs sessions through the Java SDK at a steady rate for a while, then
 * flushes. Prints one line: sessions run, SDK problems (anything it logged at WARN or above: a refusal or a dropped
 * event, never a retry), and whether everything was delivered. Run with the SDK jar on the class path:
 *   java -cp brain-sdk.jar ClusterAgent.java <endpoint> <api-key> <seconds> <sessions-per-second> <spool-dir>
 */
public final class ClusterAgent {
    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String key = args[1];
        long seconds = Long.parseLong(args[2]);
        int perSecond = Integer.parseInt(args[3]);
        AtomicLong problems = new AtomicLong();
        BrainLogger logger = (level, message, error) -> {
            if (level.compareTo(BrainLogger.Level.WARN) >= 0) {
                problems.incrementAndGet();
                System.err.println("agent: sdk " + level + " " + message + (error == null ? "" : ": " + error));
            }
        };
        Brain brain = Brain.builder().apiKey(key).endpoint(endpoint).spoolDir(Path.of(args[4]))
                .flushInterval(Duration.ofMillis(200)).heartbeatInterval(Duration.ZERO).maxRetryBackoff(Duration.ofSeconds(1))
                .shutdownHook(false).logger(logger).build();
        long sessions = 0;
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        long interval = 1_000_000_000L / perSecond;
        for (long next = start; next < end; next += interval) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            try (Session s = brain.session("cluster_test")) {
                s.tool("lookup_order", 12, true);
            }
            sessions++;
        }
        boolean delivered = brain.flush(Duration.ofSeconds(600));
        brain.close();
        System.out.println("sessions=" + sessions + " problems=" + problems.get() + " delivered=" + delivered);
    }
}
