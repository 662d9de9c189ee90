package dev.brain.customer;

import dev.brain.analytics.AnalyticsRoutes;
import dev.brain.analytics.DashboardRoutes;
import dev.brain.analytics.Table;
import dev.brain.config.Resources;
import dev.brain.error.BadRequest;
import dev.brain.http.AdminAuth;
import dev.brain.http.Params;
import dev.brain.http.Routes;
import dev.brain.http.Scope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * GET /v1/analytics/customers/{id}: one customer's page as JSON (or one section as CSV), behind the admin token;
 * GET /dashboard/customers/{id}: the page itself, which reads that endpoint with the dashboard's token.
 */
public final class CustomerRoutes implements Routes {
    static final String API = AnalyticsRoutes.PREFIX + "customers/";
    private static final String PAGE = "/dashboard/customers/";
    private static final String SECTIONS = Arrays.stream(CustomerReport.Section.values()).map(s -> s.key)
            .collect(Collectors.joining(", "));
    private final CustomerReport report;
    private final AdminAuth admin;
    private final Supplier<Instant> fresh;

    /** fresh: when the rollups were last complete (the analytics answers' fresh_as_of). */
    public CustomerRoutes(CustomerReport report, AdminAuth admin, Supplier<Instant> fresh) {
        this.report = report;
        this.admin = admin;
        this.fresh = fresh;
    }

    @Override
    public String metricLabel(String path) {
        return path.startsWith(API) ? "/v1/analytics/customers/{id}" : path.startsWith(PAGE) ? "/dashboard/customers/{id}" : null;
    }

    @Override
    public void register(RoutesConfig routes) {
        byte[] html = Resources.bytes("/dashboard/customer.html");
        byte[] js = Resources.bytes("/dashboard/customer.js");
        routes.get(PAGE + "{id}", ctx -> ctx.contentType("text/html; charset=utf-8").header("Cache-Control", "no-cache")
                .header("Content-Security-Policy", DashboardRoutes.CSP).result(html));
        routes.get("/dashboard/customer.js", ctx -> ctx.contentType("text/javascript; charset=utf-8")
                .header("Cache-Control", "no-cache").result(js));
        routes.get(API + "{id}", this::answer);
    }

    private void answer(Context ctx) {
        Scope scope = admin.scope(ctx);
        String id = ctx.pathParam("id");
        scope.requireCustomer(id);
        if (!AnalyticsRoutes.CUSTOMER.matcher(id).matches()) {
            throw new BadRequest("invalid_parameter", "the customer id must be 1-128 letters, digits, '_', '-', '.'");
        }
        int days = Params.integer(ctx, "days", 30, 1, AnalyticsRoutes.MAX_DAYS);
        String sectionName = ctx.queryParam("section");
        CustomerReport.Section section = sectionName == null || sectionName.isEmpty() ? null : CustomerReport.Section.named(sectionName);
        if (sectionName != null && !sectionName.isEmpty() && section == null) {
            throw new BadRequest("invalid_parameter", "section must be one of " + SECTIONS);
        }
        boolean csv = Params.wantsCsv(ctx);
        Instant freshAsOf = fresh.get();
        if (csv) {
            if (section == null) {
                throw new BadRequest("invalid_parameter", "CSV is per section: add section=" + SECTIONS.replace(", ", "|"));
            }
            Table t = report.section(id, section, days);
            ctx.header("X-Fresh-As-Of", freshAsOf.toString())
                    .header("Content-Disposition", "inline; filename=\"" + id + "-" + section.key + ".csv\"")
                    .contentType("text/csv; charset=utf-8").result(t.csv());
            return;
        }
        Map<String, Object> body = report.page(id, days);
        body.put("generated_at", Instant.now().toString());
        body.put("fresh_as_of", freshAsOf.toString());
        ctx.json(body);
    }
}
