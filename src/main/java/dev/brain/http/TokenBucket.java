package dev.brain.http;

/** One token bucket: refills at `ratePerSecond` up to `burst`; the clock is the caller's, in nanoseconds. */
public final class TokenBucket {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long updatedAt;

    public TokenBucket(double ratePerSecond, double burst, long now) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.updatedAt = now;
    }

    /** Takes a token; returns 0 when there was one, else the seconds until one is available. */
    public synchronized long take(long now) {
        tokens = Math.min(burst, tokens + (now - updatedAt) * ratePerNano);
        updatedAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerNano / 1e9));
    }

    /** Returns a token taken for something that turned out not to count. */
    public synchronized void giveBack() {
        tokens = Math.min(burst, tokens + 1);
    }
}
