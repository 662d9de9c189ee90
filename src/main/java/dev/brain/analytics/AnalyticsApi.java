package dev.brain.analytics;

import dev.brain.http.AdminAuth;
import dev.brain.http.ApiException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** GET /v1/analytics/{question}: JSON or CSV answers from the rollups, behind the admin token. */
public final class AnalyticsApi {
    public static final String PREFIX = "/v1/analytics/";
    static final int MAX_DAYS = 3660;
    private static final Pattern CUSTOMER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}");
    private final Analytics analytics;
    private final AdminAuth admin;
    private final boolean enabled;

    /** adminTokens: label -> token (BRAIN_ADMIN_TOKEN and BRAIN_ADMIN_TOKENS); empty turns the endpoints off. */
    public AnalyticsApi(Analytics analytics, Map<String, String> adminTokens) {
        this.analytics = analytics;
        this.admin = new AdminAuth(adminTokens);
        this.enabled = !adminTokens.isEmpty();
    }

    public void routes(RoutesConfig routes) {
        for (Analytics.Question q : Analytics.Question.values()) {
            routes.get(PREFIX + q.path, ctx -> answer(ctx, q));
        }
    }

    private void answer(Context ctx, Analytics.Question q) {
        requireAdmin(ctx);
        int days = days(ctx.queryParam("days"));
        String customer = customer(ctx.queryParam("customer"));
        boolean csv = wantsCsv(ctx);
        Instant fresh = analytics.freshAsOf();
        Table table = analytics.answer(q, days, customer);
        if (csv) {
            Table rows = q == Analytics.Question.CATEGORIES && "across".equals(ctx.queryParam("scope"))
                    ? analytics.categoriesAcrossCustomers(days, customer) : table;
            ctx.header("X-Fresh-As-Of", fresh.toString())
                    .header("Content-Disposition", "inline; filename=\"" + q.path + ".csv\"")
                    .contentType("text/csv; charset=utf-8").result(rows.csv());
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rows", table.objects());
        if (q == Analytics.Question.CATEGORIES) {
            body.put("across_customers", analytics.categoriesAcrossCustomers(days, customer).objects());
        }
        body.put("days", days);
        body.put("customer", customer);
        body.put("generated_at", Instant.now().toString());
        body.put("fresh_as_of", fresh.toString());
        ctx.json(body);
    }

    /** 403 when no admin token is configured (admin HTTP is off), 401 when the bearer token is missing or wrong. */
    private void requireAdmin(Context ctx) {
        if (!enabled) {
            throw new ApiException(403, "admin_disabled",
                    "admin and analytics HTTP endpoints are off: start the brain with BRAIN_ADMIN_TOKEN set");
        }
        admin.require(ctx);
    }

    static int days(String raw) {
        if (raw == null || raw.isEmpty()) {
            return 30;
        }
        if (!raw.matches("[0-9]{1,5}") || Integer.parseInt(raw) < 1 || Integer.parseInt(raw) > MAX_DAYS) {
            throw ApiException.badRequest("invalid_parameter", "days must be a whole number from 1 to " + MAX_DAYS + ", got '" + clip(raw) + "'");
        }
        return Integer.parseInt(raw);
    }

    private String customer(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (!CUSTOMER.matcher(raw).matches()) {
            throw ApiException.badRequest("invalid_parameter", "customer must be a customer id (1-128 letters, digits, '_', '-', '.')");
        }
        if (!analytics.customerExists(raw)) {
            throw new ApiException(404, "unknown_customer", "no customer " + raw);
        }
        return raw;
    }

    private static boolean wantsCsv(Context ctx) {
        String format = ctx.queryParam("format");
        if (format != null && !format.isEmpty()) {
            return switch (format) {
                case "csv" -> true;
                case "json" -> false;
                default -> throw ApiException.badRequest("invalid_parameter", "format must be json or csv");
            };
        }
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/csv") && !accept.contains("application/json");
    }

    private static String clip(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "..." : s;
    }
}
