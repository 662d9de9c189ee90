package dev.brain.customer;

import dev.brain.analytics.AnalyticsRoutes;
import dev.brain.analytics.Table;
import dev.brain.error.BadRequest;
import dev.brain.http.AdminAuth;
import dev.brain.http.Params;
import dev.brain.http.Routes;
import dev.brain.http.Scope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Map;
import java.util.regex.Pattern;

/** GET /v1/analytics/usage?month=YYYY-MM[&customer=]: usage for billing as JSON or CSV, behind the admin token. */
public final class UsageRoutes implements Routes {
    static final String PATH = AnalyticsRoutes.PREFIX + "usage";
    private static final Pattern MONTH = Pattern.compile("(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])");
    private final Usage usage;
    private final AdminAuth admin;
    private final int closeDays;

    /** closeDays: a month closes (is frozen) this many days after it ends (BRAIN_BILLING_CLOSE_DAYS). */
    public UsageRoutes(Usage usage, AdminAuth admin, int closeDays) {
        this.usage = usage;
        this.admin = admin;
        this.closeDays = closeDays;
    }

    @Override
    public String metricLabel(String path) {
        return path.equals(PATH) ? PATH : null;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(PATH, this::answer);
    }

    /** YYYY-MM, or the current UTC month when absent. */
    public static YearMonth month(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Usage.thisMonth();
        }
        if (!MONTH.matcher(raw).matches()) {
            throw new BadRequest("invalid_parameter", "month must be YYYY-MM");
        }
        return YearMonth.parse(raw);
    }

    private void answer(Context ctx) {
        Scope scope = admin.scope(ctx);
        YearMonth month = month(ctx.queryParam("month"));
        String customer = ctx.queryParam("customer");
        if (customer != null && customer.isEmpty()) {
            customer = null;
        }
        customer = scope.customerFilter(customer);
        if (customer != null && !AnalyticsRoutes.CUSTOMER.matcher(customer).matches()) {
            throw new BadRequest("invalid_parameter", "customer must be a customer id (1-128 letters, digits, '_', '-', '.')");
        }
        if (Params.wantsCsv(ctx)) {
            Table lines = usage.lines(month, customer);
            ctx.header("Content-Disposition", "inline; filename=\"usage-" + month + ".csv\"")
                    .header("X-Month-Frozen", String.valueOf(usage.isFrozen(month)))
                    .contentType("text/csv; charset=utf-8").result(lines.csv());
            return;
        }
        Map<String, Object> body = usage.answer(month, customer);
        body.put("closes_on", month.plusMonths(1).atDay(1).plusDays(closeDays).toString());
        body.put("generated_at", Instant.now().toString());
        ctx.json(body);
    }
}
