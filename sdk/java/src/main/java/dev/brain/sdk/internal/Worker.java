package dev.brain.sdk.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A daemon thread that parks until woken or a deadline passes. */
final class Worker {
    final Thread thread;
    // A flag, not just unpark: code the thread calls (the HTTP client) may park too and eat the permit.
    private volatile boolean wakeRequested;

    Worker(Runnable body, String name) {
        this.thread = new Thread(body, name);
        this.thread.setDaemon(true);
    }

    void wake() {
        wakeRequested = true;
        LockSupport.unpark(thread);
    }

    /** Called before a cycle's work, so a wake during the work starts another cycle at once. */
    void beginCycle() {
        wakeRequested = false;
    }

    void park(long nanos) {
        if (nanos > 0 && !wakeRequested) {
            LockSupport.parkNanos(this, nanos);
        }
    }

    boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    void join(long deadlineNanos) {
        try {
            long millis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (millis > 0) {
                thread.join(millis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
