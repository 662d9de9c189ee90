package dev.brain.analytics;

import dev.brain.config.Resources;
import dev.brain.http.Routes;
import io.javalin.config.RoutesConfig;
import java.util.Map;

/** GET /dashboard and its assets, from the jar. The page holds no data: it reads /v1/analytics with the admin token. */
public final class DashboardRoutes implements Routes {
    public static final String CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
    private static final Map<String, String> ASSETS = Map.of(
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "chart.umd.min.js", "text/javascript; charset=utf-8");

    @Override
    public String metricLabel(String path) {
        return path.equals("/dashboard") || path.startsWith("/dashboard/") ? "/dashboard" : null;
    }

    @Override
    public void register(RoutesConfig routes) {
        byte[] index = read("index.html");
        routes.get("/dashboard", ctx -> ctx.contentType("text/html; charset=utf-8").header("Cache-Control", "no-cache")
                .header("Content-Security-Policy", CSP)
                .result(index));
        ASSETS.forEach((name, type) -> {
            byte[] body = read(name);
            routes.get("/dashboard/" + name, ctx -> ctx.contentType(type).header("Cache-Control", "no-cache").result(body));
        });
    }

    private static byte[] read(String name) {
        return Resources.bytes("/dashboard/" + name);
    }
}
