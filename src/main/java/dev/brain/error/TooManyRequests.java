package dev.brain.error;

/** The caller should slow down and try again after the delay. */
public class TooManyRequests extends RetryLater {
    public TooManyRequests(String code, String message, long retryAfterSeconds) {
        super(code, message, retryAfterSeconds);
    }
}
