package dev.brain.ingest;

import dev.brain.auth.Authenticator;
import dev.brain.http.Bearer;
import dev.brain.http.Routes;
import dev.brain.metrics.Metrics;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** POST /v1/events: through the {@link IngestGate} (key, rate limit, slot, body, signature), then decode and store. */
public final class IngestRoutes implements Routes {
    private static final String PATH = "/v1/events";
    private final JsonEvents decoder;
    private final IngestService ingest;
    private final IngestGate gate;

    public IngestRoutes(Authenticator auth, RateLimiter rateLimiter, JsonEvents decoder, IngestService ingest, IngestLimits limits,
                        Metrics metrics) {
        this.decoder = decoder;
        this.ingest = ingest;
        this.gate = new IngestGate(auth, rateLimiter, limits, metrics);
    }

    /** The gate, for other wire formats' routes: one budget of keys, slots and body bytes for all of them. */
    public IngestGate gate() {
        return gate;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(PATH, this::ingest);
    }

    @Override
    public String metricLabel(String path) {
        return PATH.equals(path) ? PATH : null;
    }

    private void ingest(Context ctx) {
        gate.admit(ctx, Bearer.token(ctx), (who, body) -> {
            IngestService.Batch batch = ingest.open(who, ctx.res().getHeader("X-Request-Id"));
            decoder.decode(body, batch);
            IngestResult result = ingest.store(batch);
            ctx.status(result.status()).json(result);
        });
    }
}
