package dev.brain.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.auth.Authenticator;
import dev.brain.auth.Principal;
import dev.brain.auth.TooManyAuthFailures;
import dev.brain.config.Config;
import dev.brain.db.DbErrors;
import dev.brain.ingest.BodyBudget;
import dev.brain.ingest.BodyReader;
import dev.brain.ingest.IngestResult;
import dev.brain.ingest.IngestService;
import dev.brain.ingest.RateLimiter;
import dev.brain.privacy.RawSummaries;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Builds the HTTP app from its dependencies, so tests start the identical app on a random port. */
public final class HttpApp {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApp.class);
    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");
    private static final String STARTED = "brain.started";
    // nginx's "client closed request": counted in metrics, never seen by the client, who has gone.
    private static final int CLIENT_CLOSED_REQUEST = 499;
    // Metric labels name known routes only, so hostile paths cannot blow up the series count.
    private static final java.util.Set<String> ROUTES = java.util.Set.of("/v1/events", "/healthz", "/readyz", "/metrics", "/openapi.json", "/v1/admin/customers/{customer}/raw-summaries");

    /** extraRoutes: feature routes (analytics, dashboard) added by the composition root. */
    public record Deps(ObjectMapper json, Authenticator auth, RateLimiter rateLimiter, IngestService ingest,
                       Metrics metrics, Readiness readiness, AdminAuth admin, RawSummaries rawSummaries, long shutdownGraceMillis,
                       Consumer<RoutesConfig> extraRoutes, IngestLimits limits) {
        public Deps(ObjectMapper json, Authenticator auth, RateLimiter rateLimiter, IngestService ingest,
                    Metrics metrics, Readiness readiness, AdminAuth admin, RawSummaries rawSummaries, long shutdownGraceMillis) {
            this(json, auth, rateLimiter, ingest, metrics, readiness, admin, rawSummaries, shutdownGraceMillis, routes -> { },
                    IngestLimits.defaults());
        }
    }

    /** How long a body may take to arrive, how many ingest requests may be in flight, how many body bytes held. */
    public record IngestLimits(Duration bodyTimeout, int concurrency, int concurrencyPerKey, long bufferBytes) {
        public static IngestLimits of(Config c) {
            return new IngestLimits(c.bodyTimeout(), c.ingestConcurrency(), c.ingestConcurrencyPerKey(), c.ingestBufferBytes());
        }

        public static IngestLimits defaults() {
            return new IngestLimits(Duration.ofMillis(Config.DEFAULT_BODY_TIMEOUT_MS), Config.DEFAULT_INGEST_CONCURRENCY,
                    Config.DEFAULT_INGEST_CONCURRENCY_PER_KEY, (long) Config.defaultIngestBufferMb() << 20);
        }
    }

    // The ingest route's shared state: slots in flight and the body-bytes budget.
    private record IngestGate(InFlight inFlight, BodyBudget budget, Duration bodyTimeout) {
    }

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

    public static Javalin create(Deps d) {
        byte[] openapi = resource("/openapi.json");
        describe(d.metrics());
        var gate = new IngestGate(new InFlight(d.limits().concurrency(), d.limits().concurrencyPerKey(), d.metrics()),
                new BodyBudget(d.limits().bufferBytes(), d.metrics()), d.limits().bodyTimeout());
        d.metrics().gauge("brain_ingest_in_flight", gate.inFlight()::count);
        d.metrics().gauge("brain_ingest_body_bytes", gate.budget()::heldBytes);
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(d.json(), false));
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(d.shutdownGraceMillis());
                server.setErrorHandler(new JsonErrorHandler(d.json()));
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
                String route = routeLabel(ctx.path());
                if (started != null) {
                    d.metrics().observeSeconds("brain_http_request_duration_seconds", (System.nanoTime() - started) / 1e9,
                            "route", route);
                }
                d.metrics().inc("brain_http_requests_total", "route", route, "status", Integer.toString(ctx.statusCode()));
                MDC.clear();
            });

            config.routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
            config.routes.get("/readyz", ctx -> {
                String problem = d.readiness().problem();
                if (problem == null) {
                    ctx.json(Map.of("status", "ready"));
                } else {
                    ctx.status(503).header("Retry-After", "2").json(Map.of("status", "not_ready", "reason", problem));
                }
            });
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(d.metrics().render()));
            config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openapi));
            config.routes.post("/v1/events", ctx -> ingest(ctx, d, gate));
            config.routes.get("/v1/admin/customers/{customer}/raw-summaries", ctx -> {
                String actor = d.admin().require(ctx);
                int days = intParam(ctx, "days", 7, 1, 3660);
                int limit = intParam(ctx, "limit", 100, 1, 1000);
                ctx.json(Map.of("rows", d.rawSummaries().read(actor, ctx.pathParam("customer"), days, limit)));
            });
            d.extraRoutes().accept(config.routes);

            config.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e));
            // Javalin's own answers (no such endpoint or method) in the same shape as ours.
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, new ApiException(e.getStatus(),
                    JsonErrorHandler.code(e.getStatus()), e.getStatus() == 404 || e.getStatus() == 405 ? "no such endpoint" : e.getMessage())));
            config.routes.exception(ClientDisconnected.class, (e, ctx) -> {
                LOG.info("client disconnected while sending the body");
                d.metrics().inc("brain_requests_refused_total", "reason", "client_disconnected");
                ctx.status(CLIENT_CLOSED_REQUEST);
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                if (DbErrors.isUnavailable(e)) {
                    LOG.warn("database unavailable: {}", e.getClass().getSimpleName());
                    error(ctx, ApiException.unavailable("the database is unavailable or overloaded; retry later"));
                } else {
                    LOG.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
                    error(ctx, new ApiException(500, "internal", "internal error; quote request id " + ctx.res().getHeader("X-Request-Id")));
                }
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    error(ctx, new ApiException(404, "not_found", "no such endpoint"));
                }
            });
        });
    }

    private static void ingest(Context ctx, Deps d, IngestGate gate) {
        Principal who = principal(ctx, d);
        long wait = d.rateLimiter().acquire(who.keyId());
        if (wait > 0) {
            d.metrics().inc("brain_rate_limited_total");
            throw ApiException.rateLimited(wait);
        }
        try (InFlight.Slot slot = gate.inFlight().enter(who.keyId()); BodyBudget.Lease lease = gate.budget().lease()) {
            byte[] body = readBody(ctx, d, gate.bodyTimeout(), lease);
            IngestResult result = d.ingest().ingest(who, body, ctx.res().getHeader("X-Request-Id"));
            ctx.status(result.status()).json(result);
        }
    }

    // Reading the body touches only the client's connection: a failure is its timeout or its hang-up, never the database.
    private static byte[] readBody(Context ctx, Deps d, Duration timeout, BodyBudget.Lease lease) {
        try (BodyDeadline deadline = BodyDeadline.start(ctx.req(), timeout); InputStream in = ctx.req().getInputStream()) {
            return BodyReader.read(in, ctx.req().getContentLengthLong(), ctx.header("Content-Encoding"), lease);
        } catch (IOException e) {
            if (!timedOut(e)) {
                throw new ClientDisconnected(e);
            }
            d.metrics().inc("brain_requests_refused_total", "reason", "request_timeout");
            throw new ApiException(408, "request_timeout", "the body arrived too slowly; it may take at most " + timeout.toMillis() + " ms");
        }
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.util.concurrent.TimeoutException || c instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The key's owner, else 401; 429 when this address has spent its budget of look-ups that found nothing. */
    private static Principal principal(Context ctx, Deps d) {
        Optional<Principal> who;
        try {
            who = d.auth().authenticate(bearer(ctx), ctx.req().getRemoteAddr());
        } catch (TooManyAuthFailures e) {
            d.metrics().inc("brain_auth_throttled_total");
            throw new ApiException(429, "too_many_auth_failures", "too many unknown keys from this address; retry after the delay",
                    e.retryAfterSeconds());
        }
        return who.orElseThrow(() -> {
            d.metrics().inc("brain_auth_failures_total");
            return ApiException.unauthorized();
        });
    }

    private static String routeLabel(String path) {
        if (ROUTES.contains(path)) {
            return path;
        }
        return path.startsWith("/v1/analytics/") ? "/v1/analytics" : path.startsWith("/dashboard") ? "/dashboard" : "other";
    }

    static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw ApiException.badRequest("invalid_parameter", name + " must be a whole number from " + min + " to " + max);
    }

    private static String bearer(Context ctx) {
        String h = ctx.header("Authorization");
        if (h == null || h.length() < 8 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return h.substring(7).trim();
    }

    private static void error(Context ctx, ApiException e) {
        ctx.status(e.status());
        if (e.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        if (e.status() == 401) {
            ctx.json(Map.of("error", "unauthorized"));
        } else {
            ctx.json(Map.of("error", e.code(), "message", e.getMessage()));
        }
    }

    private static void describe(Metrics m) {
        m.describe("brain_events_total", "Events by outcome (accepted, duplicate, rejected) and rejection reason");
        m.describe("brain_requests_refused_total", "Ingest requests refused whole, by reason");
        m.describe("brain_http_requests_total", "HTTP requests by route and status");
        m.describe("brain_http_request_duration_seconds", "HTTP request latency by route");
        m.describe("brain_auth_failures_total", "Requests with a missing, unknown or revoked key");
        m.describe("brain_rate_limited_total", "Requests refused by the per-key rate limit");
        m.describe("brain_auth_lookups_total", "API keys looked up in the database (cache misses)");
        m.describe("brain_auth_throttled_total", "Requests refused because their address sent too many unknown keys");
        m.describe("brain_ingest_in_flight", "Ingest requests being read, parsed or stored");
        m.describe("brain_ingest_body_bytes", "Request-body bytes (received and inflated) held by ingest requests");
    }

    private static byte[] resource(String path) {
        try (InputStream in = HttpApp.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
