package dev.brain.error;

/** Something a client should try again after a delay: the delay goes out as Retry-After. */
public abstract class RetryLater extends BrainException {
    private final long retryAfterSeconds;

    protected RetryLater(String code, String message, long retryAfterSeconds) {
        super(code, message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public final long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
