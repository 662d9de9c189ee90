package dev.brain.ingest;

import dev.brain.http.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** POST /v1/events: through the ingest gate (key, rate limit, slot, body, signature), then decode and store. */
public final class IngestRoutes implements Routes {
    private static final String PATH = "/v1/events";
    private final IngestGate gate;
    private final JsonEvents decoder;
    private final IngestService ingest;

    public IngestRoutes(IngestGate gate, JsonEvents decoder, IngestService ingest) {
        this.gate = gate;
        this.decoder = decoder;
        this.ingest = ingest;
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
        try (IngestGate.Admitted admitted = gate.admit(ctx)) {
            byte[] body = gate.readBody(ctx, admitted);
            IngestService.Batch batch = ingest.open(admitted.who(), ctx.res().getHeader("X-Request-Id"));
            batch.assembleGranularSessions();
            decoder.decode(body, batch);
            IngestResult result = ingest.store(batch);
            ctx.status(result.status()).json(result);
        }
    }
}
