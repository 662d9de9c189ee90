package dev.brain.auth;

/** The client address has spent its budget of key look-ups that found nothing; it may try again after the delay. */
public final class TooManyAuthFailures extends RuntimeException {
    private final long retryAfterSeconds;

    public TooManyAuthFailures(long retryAfterSeconds) {
        super("too many unknown keys from this address; retry after " + retryAfterSeconds + " s", null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
