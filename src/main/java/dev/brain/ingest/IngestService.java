package dev.brain.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.auth.Principal;
import dev.brain.http.ApiException;
import dev.brain.http.Metrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** POST /v1/events minus HTTP: parse, validate each event, store the valid ones, account for all. */
public final class IngestService {
    public static final int MAX_BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

    private final ObjectMapper json;
    private final EventValidator validator;
    private final EventStore store;
    private final AgentActivity activity;
    private final Metrics metrics;

    public IngestService(ObjectMapper json, EventValidator validator, EventStore store, AgentActivity activity, Metrics metrics) {
        this.json = json;
        this.validator = validator;
        this.store = store;
        this.activity = activity;
        this.metrics = metrics;
    }

    public IngestResult ingest(Principal who, byte[] body, String requestId) {
        JsonNode root = parse(who, body, requestId);
        boolean batch = root.isObject() && root.has("events");
        List<JsonNode> items = new ArrayList<>();
        if (batch) {
            JsonNode events = root.get("events");
            if (!events.isArray()) {
                throw refuseRequest(who, requestId, ApiException.badRequest("invalid_batch", "events must be an array"));
            }
            if (events.isEmpty()) {
                throw refuseRequest(who, requestId, ApiException.badRequest("empty_batch", "events is empty"));
            }
            if (events.size() > MAX_BATCH) {
                throw refuseRequest(who, requestId, ApiException.badRequest("batch_too_large",
                        "a batch holds at most " + MAX_BATCH + " events; this one has " + events.size()));
            }
            events.forEach(items::add);
        } else {
            items.add(root);
        }

        List<EventStore.Row> rows = new ArrayList<>(items.size());
        List<EventStore.Refused> refused = new ArrayList<>();
        List<IngestResult.Refusal> refusals = new ArrayList<>();
        Set<UUID> seen = new HashSet<>();
        int inBatchDuplicates = 0;
        String version = null;
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            try {
                Envelope e = validator.validate(item);
                if (!seen.add(e.eventId())) {
                    inBatchDuplicates++;
                    continue;
                }
                String payload = e.payload().remove("summary_raw") == null
                        ? new String(e.payloadJson(), StandardCharsets.UTF_8)
                        : json.writeValueAsString(e.payload());
                if (e.eventType().equals("heartbeat") && e.payload().path("agent_version").isTextual()) {
                    version = e.payload().get("agent_version").asText();
                }
                rows.add(new EventStore.Row(e.eventId().toString(), e.ts().toString(), e.eventType(), e.sessionId(), payload));
            } catch (Rejection r) {
                if (!batch) {
                    metrics.inc("brain_events_total", "outcome", "rejected", "reason", r.code());
                    recordQuietly(who, new EventStore.Refused(safeEventId(item), null, r.code()), requestId);
                    throw ApiException.badRequest(r.code(), r.getMessage());
                }
                String eventId = safeEventId(item);
                refused.add(new EventStore.Refused(eventId, i, r.code()));
                refusals.add(new IngestResult.Refusal(i, eventId, r.code(), r.getMessage()));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("a validated payload failed to serialise", ex);
            }
        }

        int inserted = store.store(who, rows, refused, requestId);
        int duplicates = rows.size() - inserted + inBatchDuplicates;
        metrics.inc("brain_events_total", inserted, "outcome", "accepted");
        metrics.inc("brain_events_total", duplicates, "outcome", "duplicate");
        refusals.forEach(r -> metrics.inc("brain_events_total", "outcome", "rejected", "reason", r.code()));
        if (!rows.isEmpty()) {
            activity.seen(who.agentId(), version);
        }
        return new IngestResult(inserted, duplicates, refusals);
    }

    private JsonNode parse(Principal who, byte[] body, String requestId) {
        if (body.length == 0) {
            throw refuseRequest(who, requestId, ApiException.badRequest("empty_body", "the body is empty"));
        }
        try {
            JsonNode root = json.readTree(body);
            if (root == null || !root.isObject()) {
                throw refuseRequest(who, requestId, ApiException.badRequest("invalid_body",
                        "the body must be a JSON object: one event, or {\"events\": [...]}"));
            }
            return root;
        } catch (StreamConstraintsException e) {
            throw refuseRequest(who, requestId, ApiException.badRequest("invalid_json", "the body exceeds a JSON limit: nesting or size"));
        } catch (IOException e) {
            throw refuseRequest(who, requestId, ApiException.badRequest("invalid_json", "the body is not valid JSON"));
        }
    }

    private ApiException refuseRequest(Principal who, String requestId, ApiException e) {
        metrics.inc("brain_requests_refused_total", "reason", e.code());
        recordQuietly(who, new EventStore.Refused(null, null, e.code()), requestId);
        return e;
    }

    // The record of a refusal is best effort: a 400 stays a 400 even when the database is away.
    private void recordQuietly(Principal who, EventStore.Refused refused, String requestId) {
        try {
            store.recordRefused(who, List.of(refused), requestId);
        } catch (RuntimeException e) {
            LOG.warn("could not record a refused request: {}", e.getClass().getSimpleName());
        }
    }

    // Only a well-formed UUID is echoed back or recorded; anything else could be arbitrary text.
    private static String safeEventId(JsonNode item) {
        JsonNode id = item.path("event_id");
        if (!id.isTextual()) {
            return null;
        }
        try {
            return UUID.fromString(id.asText()).toString().equalsIgnoreCase(id.asText()) ? id.asText().toLowerCase() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
