package dev.brain.http;

import dev.brain.error.BadRequest;
import io.javalin.http.Context;

/** Query parameters, checked: a bad one is a 400 `invalid_parameter` that names it and its range. */
public final class Params {
    private Params() {
    }

    public static int integer(Context ctx, String name, int fallback, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        if (v.matches("[0-9]{1,9}")) {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        }
        throw new BadRequest("invalid_parameter", name + " must be a whole number from " + min + " to " + max
                + ", got '" + (v.length() > 20 ? v.substring(0, 20) + "..." : v) + "'");
    }
}
