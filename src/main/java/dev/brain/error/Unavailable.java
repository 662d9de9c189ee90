package dev.brain.error;

/** The brain cannot serve this right now (database away, overloaded); nothing was written. */
public final class Unavailable extends BrainException {
    private final long retryAfterSeconds;

    public Unavailable(String code, String message, long retryAfterSeconds) {
        super(code, message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
