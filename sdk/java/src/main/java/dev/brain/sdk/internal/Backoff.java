package dev.brain.sdk.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, from one second up to a ceiling; {@code Retry-After} wins when given. */
public final class Backoff {
    private static final long BASE_MILLIS = 1000;
    private static final long MAX_RETRY_AFTER_MILLIS = Duration.ofHours(1).toMillis();

    private final long maxMillis;
    private int failures;

    public Backoff(Duration max) {
        this.maxMillis = Math.max(BASE_MILLIS, max.toMillis());
    }

    /** Records a failure; returns how long to wait before the next attempt. */
    public long nextDelayMillis(long retryAfterSeconds) {
        failures = Math.min(failures + 1, 30);
        if (retryAfterSeconds >= 0) {
            long wait = Math.min(retryAfterSeconds * 1000, MAX_RETRY_AFTER_MILLIS);
            return wait + ThreadLocalRandom.current().nextLong(0, Math.max(1, Math.min(1000, wait / 10 + 1)));
        }
        long ceiling = Math.min(maxMillis, BASE_MILLIS << Math.min(failures - 1, 20));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(0, ceiling / 2 + 1);
    }

    public long maxMillis() {
        return maxMillis;
    }

    public void reset() {
        failures = 0;
    }
}
