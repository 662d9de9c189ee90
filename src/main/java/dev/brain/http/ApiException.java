package dev.brain.http;

/** An answer for the client: status, machine-readable code, human message. One mapper renders it. */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    public ApiException(int status, String code, String message) {
        this(status, code, message, 0);
    }

    public ApiException(int status, String code, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "missing, unknown or revoked key");
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, "body_too_large", message);
    }

    public static ApiException rateLimited(long retryAfterSeconds) {
        return new ApiException(429, "rate_limited", "too many requests for this key; retry after the delay", retryAfterSeconds);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "unavailable", message, 2);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
