package dev.brain.analytics;

import dev.brain.error.BadRequest;
import dev.brain.error.NotFound;
import dev.brain.http.AdminAuth;
import dev.brain.http.Params;
import dev.brain.http.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** GET /v1/analytics/{question}: JSON or CSV answers from the rollups, behind the admin token. */
public final class AnalyticsRoutes implements Routes {
    public static final String PREFIX = "/v1/analytics/";
    static final int MAX_DAYS = 3660;
    private static final Pattern CUSTOMER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}");
    private final Analytics analytics;
    private final AdminAuth admin;

    public AnalyticsRoutes(Analytics analytics, AdminAuth admin) {
        this.analytics = analytics;
        this.admin = admin;
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
        admin.require(ctx);
        int days = Params.integer(ctx, "days", 30, 1, MAX_DAYS);
        String customer = customer(ctx.queryParam("customer"));
        boolean csv = wantsCsv(ctx);
        Instant fresh = analytics.freshAsOf();
        Table table = analytics.answer(q, days, customer);
        if (csv) {
            Table rows = q == Analytics.Question.CATEGORIES && "across".equals(ctx.queryParam("scope"))
                    ? analytics.categoriesAcrossCustomers(days, customer) : table;
            ctx.header("X-Fresh-As-Of", fresh.toString())
                    .header("Content-Disposition", "inline; filename=\"" + q.path.replace('/', '_') + ".csv\"")
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

    private static boolean wantsCsv(Context ctx) {
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
