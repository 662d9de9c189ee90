package dev.brain.ingest;

import dev.brain.http.TokenBucket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** A token bucket per key: `ratePerSecond` requests a second with bursts of `burst`. 0 disables it. */
public final class RateLimiter {
    private final double ratePerSecond;
    private final int burst;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double ratePerSecond, int burst) {
        this(ratePerSecond, burst, System::nanoTime);
    }

    RateLimiter(double ratePerSecond, int burst, LongSupplier clock) {
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.clock = clock;
    }

    /** Takes a token; returns 0 when allowed, else the seconds to wait before one is available. */
    public long acquire(String key) {
        if (ratePerSecond <= 0) {
            return 0;
        }
        long now = clock.getAsLong();
        return buckets.computeIfAbsent(key, k -> new TokenBucket(ratePerSecond, burst, now)).take(now);
    }
}
