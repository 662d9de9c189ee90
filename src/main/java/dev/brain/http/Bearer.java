package dev.brain.http;

import io.javalin.http.Context;

/** The token of an `Authorization: Bearer ...` header. */
public final class Bearer {
    private Bearer() {
    }

    /** The token, or null when the header is missing or not a bearer token. */
    public static String token(Context ctx) {
        String h = ctx.header("Authorization");
        if (h == null || h.length() < 8 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return h.substring(7).trim();
    }
}
