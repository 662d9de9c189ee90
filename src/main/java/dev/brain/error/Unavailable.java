package dev.brain.error;

/** The brain cannot serve this right now (database away, overloaded); nothing was written. */
public final class Unavailable extends RetryLater {
    public Unavailable(String code, String message, long retryAfterSeconds) {
        super(code, message, retryAfterSeconds);
    }
}
