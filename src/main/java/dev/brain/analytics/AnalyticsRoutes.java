package dev.brain.analytics;

import dev.brain.error.BadRequest;
import dev.brain.error.NotFound;
import dev.brain.http.AdminAuth;
import dev.brain.http.Params;
import dev.brain.http.Routes;
import dev.brain.http.Scope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * GET /v1/analytics/{question}: JSON or CSV answers from the rollups, behind the admin token, or a customer read token
 * for that customer's own answers (cross-customer categories only when k customers share them, without names).
 */
public final class AnalyticsRoutes implements Routes {
    public static final String PREFIX = "/v1/analytics/";
    public static final int MAX_DAYS = 3660;
    public static final Pattern CUSTOMER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}");
    private final Analytics analytics;
    private final AdminAuth admin;
    private final int kAnonymity;

    public AnalyticsRoutes(Analytics analytics, AdminAuth admin, int kAnonymity) {
        this.analytics = analytics;
        this.admin = admin;
        this.kAnonymity = kAnonymity;
    }

    @Override
    public String metricLabel(String path) {
        return path.startsWith(PREFIX) ? "/v1/analytics" : null;
    }

    @Override
    public void register(RoutesConfig routes) {
        for (Analytics.Question q : Analytics.Question.values()) {
            routes.get(PREFIX + q.path, ctx -> answer(ctx, q));
        }
    }

    private void answer(Context ctx, Analytics.Question q) {
        Scope scope = admin.scope(ctx);
        int days = Params.integer(ctx, "days", 30, 1, MAX_DAYS);
        String customer = customer(scope.customerFilter(blankToNull(ctx.queryParam("customer"))));
        boolean csv = Params.wantsCsv(ctx);
        Analytics.Answer answer = analytics.answer(q, days, customer, scope.isAdmin() ? null : kAnonymity);
        Instant fresh = answer.freshAsOf();
        if (csv) {
            Table rows = answer.across() != null && "across".equals(ctx.queryParam("scope")) ? answer.across() : answer.rows();
            ctx.header("X-Fresh-As-Of", fresh.toString())
                    .header("Content-Disposition", "inline; filename=\"" + q.path.replace('/', '_') + ".csv\"")
                    .contentType("text/csv; charset=utf-8").result(rows.csv());
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rows", answer.rows().objects());
        if (answer.across() != null) {
            body.put("across_customers", answer.across().objects());
        }
        body.put("days", days);
        body.put("customer", customer);
        body.put("generated_at", Instant.now().toString());
        body.put("fresh_as_of", fresh.toString());
        if (!scope.isAdmin()) {
            body.put("scoped_to", scope.customer());
        }
        ctx.json(body);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private String customer(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (!CUSTOMER.matcher(raw).matches()) {
            throw new BadRequest("invalid_parameter", "customer must be a customer id (1-128 letters, digits, '_', '-', '.')");
        }
        if (!analytics.customerExists(raw)) {
            throw new NotFound("unknown_customer", "no customer " + raw);
        }
        return raw;
    }
}
