package dev.brain.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.db.DbErrors;
import dev.brain.error.BrainException;
import dev.brain.error.ClientGone;
import dev.brain.error.DatabaseFailure;
import dev.brain.metrics.Metrics;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Builds the HTTP app from the features' routes, so tests start the identical app on a random port. */
public final class HttpApp {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApp.class);
    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");
    private static final String STARTED = "brain.started";

    private HttpApp() {
    }

    /** Loads the web stack's classes on a second core while the caller connects to the database. */
    public static Thread warmUpInBackground() {
        Thread t = new Thread(() -> {
            Json.mapper().createObjectNode().put("warm", true).toString();
            Javalin.create(config -> config.startup.showJavalinBanner = false);
            new org.eclipse.jetty.server.Server();
        }, "brain-warm-up");
        t.setDaemon(true);
        t.start();
        return t;
    }

    public static Javalin create(ObjectMapper json, Metrics metrics, long shutdownGraceMillis, List<Routes> features) {
        metrics.describe("brain_http_requests_total", "HTTP requests by route and status");
        metrics.describe("brain_http_request_duration_seconds", "HTTP request latency by route");
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(json, false));
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(shutdownGraceMillis);
                server.setErrorHandler(new JsonErrorHandler(json));
            });

            config.routes.before(ctx -> {
                ctx.attribute(STARTED, System.nanoTime());
                String given = ctx.header("X-Request-Id");
                String id = given != null && CLIENT_REQUEST_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
                ctx.header("X-Request-Id", id);
                ctx.header("X-Content-Type-Options", JsonErrorHandler.NOSNIFF); // browsers must not guess HTML into a JSON or CSV answer
                MDC.put("request_id", id);
            });
            config.routes.after(ctx -> {
                Long started = ctx.attribute(STARTED);
                String route = metricLabel(features, ctx.path());
                if (started != null) {
                    metrics.observeSeconds("brain_http_request_duration_seconds", (System.nanoTime() - started) / 1e9, "route", route);
                }
                metrics.inc("brain_http_requests_total", "route", route, "status", Integer.toString(ctx.statusCode()));
                MDC.clear();
            });

            features.forEach(f -> f.register(config.routes));

            config.routes.exception(ClientGone.class, (e, ctx) -> {
                LOG.info("client disconnected while sending the body");
                metrics.inc("brain_requests_refused_total", "reason", e.code());
                ctx.status(Errors.status(e));
            });
            config.routes.exception(DatabaseFailure.class, HttpApp::unexpected);
            config.routes.exception(BrainException.class, (e, ctx) -> Errors.render(ctx, e));
            // Javalin's own answers (no such endpoint or method) in the same shape as ours.
            config.routes.exception(HttpResponseException.class, (e, ctx) -> Errors.render(ctx, e.getStatus(),
                    JsonErrorHandler.code(e.getStatus()), e.getStatus() == 404 || e.getStatus() == 405 ? "no such endpoint" : e.getMessage(), 0));
            config.routes.exception(Exception.class, HttpApp::unexpected);
            config.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    Errors.render(ctx, 404, "not_found", "no such endpoint", 0);
                }
            });
        });
    }

    // A database that is away is the client's cue to retry (503); anything else is our bug (500), logged with the request id.
    private static void unexpected(Exception e, Context ctx) {
        if (DbErrors.isUnavailable(e)) {
            LOG.warn("database unavailable: {}", e.getClass().getSimpleName());
            Errors.render(ctx, 503, "unavailable", "the database is unavailable or overloaded; retry later", 2);
        } else {
            LOG.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
            Errors.render(ctx, 500, "internal", "internal error; quote request id " + ctx.res().getHeader("X-Request-Id"), 0);
        }
    }

    private static String metricLabel(List<Routes> features, String path) {
        for (Routes f : features) {
            String label = f.metricLabel(path);
            if (label != null) {
                return label;
            }
        }
        return "other";
    }
}
