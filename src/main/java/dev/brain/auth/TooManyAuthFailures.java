package dev.brain.auth;

import dev.brain.error.TooManyRequests;

/** The client address has spent its budget of key look-ups that found nothing; it may try again after the delay. */
public final class TooManyAuthFailures extends TooManyRequests {
    public TooManyAuthFailures(long retryAfterSeconds) {
        super("too_many_auth_failures", "too many unknown keys from this address; retry after the delay", retryAfterSeconds);
    }
}
