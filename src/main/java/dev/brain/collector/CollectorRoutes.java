package dev.brain.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brain.auth.Principal;
import dev.brain.error.BadRequest;
import dev.brain.error.InvalidEvent;
import dev.brain.http.Bearer;
import dev.brain.http.Readiness;
import dev.brain.http.Routes;
import dev.brain.ingest.EventValidator;
import dev.brain.ingest.IngestGate;
import dev.brain.ingest.IngestResult;
import dev.brain.ingest.IngestService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * The agent-framework telemetry collector's API, so its installations point at the brain by changing only URL and
 * key: POST /api/v1/telemetry/batch, POST /api/v1/transcript, GET /api/v1/health. Keys come as X-API-Key or Bearer.
 */
public final class CollectorRoutes implements Routes {
    static final String BATCH = "/api/v1/telemetry/batch";
    static final String TRANSCRIPT = "/api/v1/transcript";
    static final String HEALTH = "/api/v1/health";
    public static final int MAX_BATCH = 100;
    private static final Set<String> PATHS = Set.of(BATCH, TRANSCRIPT, HEALTH);
    private final ObjectMapper json;
    private final IngestGate gate;
    private final IngestService ingest;
    private final EventValidator validator;
    private final CollectorEvents events;
    private final Readiness readiness;

    public CollectorRoutes(ObjectMapper json, IngestGate gate, IngestService ingest, EventValidator validator, Jdbi jdbi,
                           Readiness readiness) {
        this.json = json;
        this.gate = gate;
        this.ingest = ingest;
        this.validator = validator;
        this.events = new CollectorEvents(json, new HostHashes(jdbi));
        this.readiness = readiness;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(BATCH, ctx -> gate.admit(ctx, key(ctx), (who, body) -> batch(ctx, who, body)));
        routes.post(TRANSCRIPT, ctx -> gate.admit(ctx, key(ctx), (who, body) -> transcript(ctx, who, body)));
        routes.get(HEALTH, ctx -> {
            boolean up = readiness.problem() == null;
            ctx.status(up ? 200 : 503).json(Map.of("status", up ? "healthy" : "unhealthy", "database", up ? "connected" : "disconnected"));
        });
    }

    @Override
    public String metricLabel(String path) {
        return PATHS.contains(path) ? path : null;
    }

    private static String key(Context ctx) {
        String k = ctx.header("X-API-Key");
        return k != null && !k.isBlank() ? k.trim() : Bearer.token(ctx);
    }

    /** 200 {"accepted", "duplicates"} when all were taken; 207 adding the refused ones as issues, each at ["events", i]. */
    private void batch(Context ctx, Principal who, byte[] body) {
        IngestService.Batch batch = ingest.open(who, ctx.res().getHeader("X-Request-Id"));
        batch.expectMany();
        // Its sessions are assembled like granular events': tool calls open them, an escalation (a session.end) ends them.
        batch.assembleGranularSessions();
        JsonNode list = parse(body, batch).get("events");
        if (list == null || !list.isArray()) {
            throw batch.refuse(new BadRequest("invalid_batch", "the body must be {\"events\": [...]}"));
        }
        if (list.isEmpty() || list.size() > MAX_BATCH) {
            throw batch.refuse(new BadRequest(list.isEmpty() ? "empty_batch" : "batch_too_large",
                    "events must hold 1 to " + MAX_BATCH + " events; this one has " + list.size()));
        }
        Instant now = Instant.now();
        for (int i = 0; i < list.size(); i++) {
            try {
                batch.accept(validator.validate(events.envelope(list.get(i), who.customerId(), now)));
            } catch (InvalidEvent why) {
                batch.reject(i, null, why);
            }
        }
        IngestResult result = ingest.store(batch);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accepted", result.accepted());
        answer.put("duplicates", result.duplicates());
        if (!result.rejected().isEmpty()) {
            List<Map<String, Object>> issues = new ArrayList<>();
            for (IngestResult.Refusal r : result.rejected()) {
                issues.add(Map.of("code", r.code(), "path", List.of("events", r.index()), "message", r.message()));
            }
            answer.put("success", false);
            answer.put("error", Map.of("name", "ValidationError", "issues", issues));
        }
        ctx.status(result.rejected().isEmpty() ? 200 : 207).json(answer);
    }

    /** The transcript becomes the session's summary, under the customer's privacy tier like any summary_raw. */
    private void transcript(Context ctx, Principal who, byte[] body) {
        IngestService.Batch batch = ingest.open(who, ctx.res().getHeader("X-Request-Id"));
        ObjectNode envelope = Transcripts.envelope(json, parse(body, batch), who.agentId(), Instant.now());
        try {
            batch.accept(validator.validate(envelope));
        } catch (InvalidEvent why) {
            batch.reject(0, null, why);
        }
        ingest.store(batch);
        ctx.json(Map.of("success", true));
    }

    private JsonNode parse(byte[] body, IngestService.Batch batch) {
        try {
            JsonNode root = json.readTree(body);
            if (root == null || !root.isObject()) {
                throw batch.refuse(new BadRequest("invalid_body", "the body must be a JSON object"));
            }
            return root;
        } catch (IOException e) {
            throw batch.refuse(new BadRequest("invalid_json", "the body is not valid JSON"));
        }
    }
}
