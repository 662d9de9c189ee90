package dev.brain.http;

import dev.brain.auth.Authenticator;
import io.javalin.http.Context;
import java.util.Map;

/** Admin and analytics HTTP: a bearer token from BRAIN_ADMIN_TOKEN(S); its label names the reader in audit rows. */
public final class AdminAuth {
    private final Map<String, String> tokensByLabel;

    public AdminAuth(Map<String, String> tokensByLabel) {
        this.tokensByLabel = tokensByLabel;
    }

    /** Returns the caller's label, or throws 401 (also when no admin token is configured). */
    public String require(Context ctx) {
        String h = ctx.header("Authorization");
        String given = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
        String match = null;
        for (var e : tokensByLabel.entrySet()) {
            // Compare against every token, so timing does not reveal which label matched.
            if (Authenticator.sameSecret(e.getValue(), given)) {
                match = e.getKey();
            }
        }
        if (match == null) {
            throw new ApiException(401, "unauthorized", tokensByLabel.isEmpty()
                    ? "admin endpoints are disabled: set BRAIN_ADMIN_TOKEN" : "missing or wrong admin token");
        }
        return match;
    }
}
