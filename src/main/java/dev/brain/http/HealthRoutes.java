package dev.brain.http;

import dev.brain.config.Resources;
import dev.brain.metrics.Metrics;
import io.javalin.config.RoutesConfig;
import java.util.Map;
import java.util.Set;

/** The operator's endpoints: liveness, readiness, Prometheus metrics and the OpenAPI description. */
public final class HealthRoutes implements Routes {
    private static final Set<String> PATHS = Set.of("/healthz", "/readyz", "/metrics", "/openapi.json");
    private final Readiness readiness;
    private final Metrics metrics;

    public HealthRoutes(Readiness readiness, Metrics metrics) {
        this.readiness = readiness;
        this.metrics = metrics;
    }

    @Override
    public void register(RoutesConfig routes) {
        byte[] openapi = Resources.bytes("/openapi.json");
        routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/readyz", ctx -> {
            String problem = readiness.problem();
            if (problem == null) {
                ctx.json(Map.of("status", "ready"));
            } else {
                ctx.status(503).header("Retry-After", "2").json(Map.of("status", "not_ready", "reason", problem));
            }
        });
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.render()));
        routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openapi));
    }

    @Override
    public String metricLabel(String path) {
        return PATHS.contains(path) ? path : null;
    }
}
