package dev.brain.http;

import dev.brain.error.BrainException;
import dev.brain.error.TooManyRequests;
import dev.brain.error.Unavailable;
import dev.brain.metrics.Metrics;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the ingest requests in flight per key and in total, checked before a body is read: a request holds a
 * server thread while its body arrives, so one key, or a crowd of slow clients, could otherwise hold them all.
 */
public final class InFlight {
    private final int total;
    private final int perKey;
    private final Metrics metrics;
    private final AtomicInteger all = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> byKey = new ConcurrentHashMap<>();

    public InFlight(int total, int perKey, Metrics metrics) {
        this.total = total;
        this.perKey = perKey;
        this.metrics = metrics;
    }

    /** A slot for one request of this key, or 429 (the key has too many) or 503 (the server has too many). */
    public Slot enter(String keyId) {
        boolean[] admitted = {false};
        byKey.compute(keyId, (k, held) -> {
            int n = held == null ? 0 : held;
            admitted[0] = n < perKey;
            return admitted[0] ? n + 1 : held;
        });
        if (!admitted[0]) {
            throw refused(new TooManyRequests("too_many_concurrent_requests",
                    "this key already has " + perKey + " requests in flight; retry after the delay", 1));
        }
        if (all.incrementAndGet() > total) {
            leave(keyId);
            throw refused(new Unavailable("overloaded", "the server has too many requests in flight; retry after the delay", 1));
        }
        return () -> leave(keyId);
    }

    public int count() {
        return all.get();
    }

    private void leave(String keyId) {
        all.decrementAndGet();
        byKey.computeIfPresent(keyId, (k, held) -> held == 1 ? null : held - 1);
    }

    private BrainException refused(BrainException e) {
        metrics.inc("brain_requests_refused_total", "reason", e.code());
        return e;
    }

    /** Held for the whole request, body read and store included; closing it frees the slot. */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }
}
