package dev.brain.http;

import dev.brain.error.BadRequest;
import dev.brain.error.BrainException;
import dev.brain.error.ClientGone;
import dev.brain.error.Forbidden;
import dev.brain.error.NotFound;
import dev.brain.error.RequestTimeout;
import dev.brain.error.TooLarge;
import dev.brain.error.TooManyRequests;
import dev.brain.error.Unauthorized;
import dev.brain.error.Unavailable;
import dev.brain.error.UnsupportedMediaType;
import io.javalin.http.Context;
import java.util.Map;

/** The one place where what went wrong becomes an HTTP status and the `{"error", "message"}` body. */
public final class Errors {
    // nginx's "client closed request": counted in metrics, never seen by the client, who has gone.
    static final int CLIENT_CLOSED_REQUEST = 499;

    private Errors() {
    }

    public static int status(BrainException e) {
        if (e instanceof BadRequest) {
            return 400;
        } else if (e instanceof Unauthorized) {
            return 401;
        } else if (e instanceof Forbidden) {
            return 403;
        } else if (e instanceof NotFound) {
            return 404;
        } else if (e instanceof RequestTimeout) {
            return 408;
        } else if (e instanceof TooLarge) {
            return 413;
        } else if (e instanceof UnsupportedMediaType) {
            return 415;
        } else if (e instanceof TooManyRequests) {
            return 429;
        } else if (e instanceof ClientGone) {
            return CLIENT_CLOSED_REQUEST;
        } else if (e instanceof Unavailable) {
            return 503;
        }
        return 500;
    }

    static void render(Context ctx, BrainException e) {
        render(ctx, status(e), e.code(), e.getMessage(), e.retryAfterSeconds());
    }

    static void render(Context ctx, int status, String code, String message, long retryAfterSeconds) {
        ctx.status(status);
        if (retryAfterSeconds > 0) {
            ctx.header("Retry-After", Long.toString(retryAfterSeconds));
        }
        // One answer for a missing, unknown or revoked key: nothing tells them apart. A valid key's unsigned or
        // badly signed request says which (signature_*): its holder already knows the key exists.
        ctx.json(status == 401 && code.equals("unauthorized") ? Map.of("error", "unauthorized") : Map.of("error", code, "message", message));
    }
}
