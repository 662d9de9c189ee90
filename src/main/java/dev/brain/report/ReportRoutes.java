package dev.brain.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.error.BadRequest;
import dev.brain.error.NotFound;
import dev.brain.http.AdminAuth;
import dev.brain.http.Params;
import dev.brain.http.Routes;
import dev.brain.http.Scope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.function.Predicate;

/** GET /v1/reports/weekly: the digest of the 7 days before today (UTC) as JSON, Markdown or HTML; a customer token gets its own. */
public final class ReportRoutes implements Routes {
    static final String PATH = "/v1/reports/weekly";
    private final WeeklyDigest digest;
    private final AdminAuth admin;
    private final Predicate<String> customerExists;
    private final Clock clock;

    public ReportRoutes(WeeklyDigest digest, AdminAuth admin, Predicate<String> customerExists, Clock clock) {
        this.digest = digest;
        this.admin = admin;
        this.customerExists = customerExists;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(PATH, this::weekly);
    }

    private void weekly(Context ctx) {
        Scope scope = admin.scope(ctx);
        String customer = scope.customerFilter(Params.customerId(ctx, "customer"));
        if (customer != null && !customerExists.test(customer)) {
            throw new NotFound("unknown_customer", "no customer " + customer);
        }
        String format = ctx.queryParam("format") == null ? "json" : ctx.queryParam("format");
        Digest d = digest.build(LocalDate.now(clock.withZone(ZoneOffset.UTC)), customer);
        switch (format) {
            case "json" -> ctx.json(d);
            case "md" -> ctx.contentType("text/markdown; charset=utf-8").result(DigestFormat.markdown(d));
            case "html" -> ctx.contentType("text/html; charset=utf-8")
                    .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'").result(DigestFormat.html(d));
            default -> throw new BadRequest("invalid_parameter", "format must be json, md or html");
        }
    }

    @Override
    public String metricLabel(String path) {
        return path.equals(PATH) ? PATH : null;
    }
}
