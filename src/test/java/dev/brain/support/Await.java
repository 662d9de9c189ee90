package dev.brain.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a generous deadline, instead of sleeping and asserting at an instant. */
public final class Await {
    private Await() {
    }

    public static void until(Duration deadline, String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline.toSeconds() + " s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
