package dev.brain.ingest;

import dev.brain.error.Unavailable;
import dev.brain.metrics.Metrics;
import java.util.concurrent.Semaphore;

/**
 * The request-body bytes (as received, and inflated) all ingest requests may hold at once. Past it a request
 * is refused with 503 at once rather than queued: what runs out under a flood of big bodies is the heap.
 */
public final class BodyBudget {
    private static final int KIB = 1024;
    private final Semaphore kib;
    private final int limitKib;
    private final Metrics metrics;

    public BodyBudget(long bytes, Metrics metrics) {
        this.limitKib = (int) Math.min(Integer.MAX_VALUE, bytes / KIB);
        this.kib = new Semaphore(limitKib);
        this.metrics = metrics;
    }

    public Lease lease() {
        return new Lease();
    }

    public long heldBytes() {
        return (long) (limitKib - kib.availablePermits()) * KIB;
    }

    /** One request's share: taken as its buffers grow, all given back when it ends. Used by one thread. */
    public final class Lease implements AutoCloseable {
        private long bytes;
        private int heldKib;

        private Lease() {
        }

        /** Counts n more bytes against the budget, or refuses the request with 503 overloaded. */
        public void reserve(long n) {
            bytes += n;
            int more = (int) ((bytes + KIB - 1) / KIB) - heldKib;
            if (more <= 0) {
                return;
            }
            if (!kib.tryAcquire(more)) {
                metrics.inc("brain_requests_refused_total", "reason", "overloaded");
                throw new Unavailable("overloaded", "the server holds too many request bodies right now; retry after the delay", 1);
            }
            heldKib += more;
        }

        @Override
        public void close() {
            kib.release(heldKib);
            heldKib = 0;
            bytes = 0;
        }
    }
}
