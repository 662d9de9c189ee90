package dev.brain.privacy;

import dev.brain.http.AdminAuth;
import dev.brain.http.Params;
import dev.brain.http.Routes;
import io.javalin.config.RoutesConfig;
import java.util.Map;

/** GET /v1/admin/customers/{customer}/raw-summaries: Tier-C raw text behind the admin token, every read audited. */
public final class RawSummaryRoutes implements Routes {
    private static final String PATH = "/v1/admin/customers/{customer}/raw-summaries";
    private final RawSummaries rawSummaries;
    private final AdminAuth admin;

    public RawSummaryRoutes(RawSummaries rawSummaries, AdminAuth admin) {
        this.rawSummaries = rawSummaries;
        this.admin = admin;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(PATH, ctx -> {
            String actor = admin.require(ctx);
            int days = Params.integer(ctx, "days", 7, 1, 3660);
            int limit = Params.integer(ctx, "limit", 100, 1, 1000);
            ctx.json(Map.of("rows", rawSummaries.read(actor, ctx.pathParam("customer"), days, limit)));
        });
    }

    @Override
    public String metricLabel(String path) {
        return path.startsWith("/v1/admin/customers/") && path.endsWith("/raw-summaries") ? PATH : null;
    }
}
