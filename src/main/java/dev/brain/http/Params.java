package dev.brain.http;

import dev.brain.error.BadRequest;
import io.javalin.http.Context;

/** Query parameters, checked: a bad one is a 400 `invalid_parameter` that names it and its range. */
public final class Params {
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}");

    private Params() {
    }

    /** An optional id parameter (a customer's, an agent's): null when absent, 400 when it is not id-shaped. */
    public static String customerId(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (!ID.matcher(v).matches()) {
            throw new BadRequest("invalid_parameter", name + " must be a customer id (1-128 letters, digits, '_', '-', '.')");
        }
        return v;
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

    /** format=csv|json, else an Accept header asking for text/csv (and not JSON). */
    public static boolean wantsCsv(Context ctx) {
        String format = ctx.queryParam("format");
        if (format != null && !format.isEmpty()) {
            return switch (format) {
                case "csv" -> true;
                case "json" -> false;
                default -> throw new BadRequest("invalid_parameter", "format must be json or csv");
            };
        }
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/csv") && !accept.contains("application/json");
    }
}
