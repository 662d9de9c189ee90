package dev.brain.support;

import java.time.Duration;

/** Polls a condition until it holds or a generous deadline passes: on a loaded machine things are late, not wrong. */
public final class Await {
    public static final Duration DEADLINE = Duration.ofSeconds(60);

    private Await() {
    }

    public interface Condition {
        boolean holds() throws Exception;
    }

    public static void until(String what, Condition condition) throws Exception {
        until(what, DEADLINE, condition);
    }

    public static void until(String what, Duration limit, Condition condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": still not so after " + limit.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    public static void until(Duration limit, String what, java.util.function.BooleanSupplier condition) throws Exception {
        until(what, limit, condition::getAsBoolean);
    }
}
