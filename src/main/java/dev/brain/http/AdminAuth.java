package dev.brain.http;

import dev.brain.error.Forbidden;
import dev.brain.error.Unauthorized;
import io.javalin.http.Context;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Every admin and analytics route: a bearer token from BRAIN_ADMIN_TOKEN(S), whose label names the reader in audit
 * rows, or (analytics only) a customer read token, which {@link #scope} narrows to its customer.
 */
public final class AdminAuth {
    private final Map<String, String> tokensByLabel;
    private final ReadTokens readTokens;

    public AdminAuth(Map<String, String> tokensByLabel) {
        this(tokensByLabel, ReadTokens.NONE);
    }

    public AdminAuth(Map<String, String> tokensByLabel, ReadTokens readTokens) {
        this.tokensByLabel = Map.copyOf(tokensByLabel);
        this.readTokens = readTokens;
    }

    /** Admin routes: the caller's label; 403 for a customer read token, and as {@link #adminLabel} otherwise. */
    public String require(Context ctx) {
        String given = Bearer.token(ctx);
        if (readTokens.find(given).isPresent()) {
            throw new Forbidden("out_of_scope", "this route needs an admin token; a customer token reads its own customer only");
        }
        return adminLabel(given);
    }

    /** Analytics routes: a customer read token's scope, or an admin's (everything). */
    public Scope scope(Context ctx) {
        String given = Bearer.token(ctx);
        var read = readTokens.find(given);
        return read.isPresent() ? read.get() : Scope.admin(adminLabel(given));
    }

    /** 403 `admin_disabled` when no admin token is configured, 401 when the token is missing or wrong. */
    private String adminLabel(String given) {
        if (tokensByLabel.isEmpty()) {
            throw new Forbidden("admin_disabled", "admin and analytics HTTP endpoints are off: start the brain with BRAIN_ADMIN_TOKEN set");
        }
        String match = null;
        for (var e : tokensByLabel.entrySet()) {
            // Compare against every token, so timing does not reveal which label matched.
            if (sameSecret(e.getValue(), given)) {
                match = e.getKey();
            }
        }
        if (match == null) {
            throw new Unauthorized("unauthorized", "missing or wrong admin token");
        }
        return match;
    }

    /** Compares digests, so the time taken says nothing about how much of a secret matched, nor its length. */
    public static boolean sameSecret(String expected, String given) {
        if (expected == null || expected.isEmpty() || given == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(expected), sha256(given));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
