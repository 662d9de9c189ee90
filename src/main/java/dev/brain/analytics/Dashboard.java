package dev.brain.analytics;

import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** GET /dashboard and its assets, from the jar. The page holds no data: it reads /v1/analytics with the admin token. */
public final class Dashboard {
    private static final Map<String, String> ASSETS = Map.of(
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "chart.umd.min.js", "text/javascript; charset=utf-8");

    public void routes(RoutesConfig routes) {
        byte[] index = read("index.html");
        routes.get("/dashboard", ctx -> ctx.contentType("text/html; charset=utf-8").header("Cache-Control", "no-cache")
                .header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
                .result(index));
        ASSETS.forEach((name, type) -> {
            byte[] body = read(name);
            routes.get("/dashboard/" + name, ctx -> ctx.contentType(type).header("Cache-Control", "no-cache").result(body));
        });
    }

    private static byte[] read(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("/dashboard/" + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
