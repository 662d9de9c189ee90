package dev.brain.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brain.auth.Principal;
import dev.brain.http.ApiException;
import dev.brain.http.Metrics;
import dev.brain.redact.RedactionQueue;
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
    private final RedactionQueue redaction;
    private final Metrics metrics;

    public IngestService(ObjectMapper json, EventValidator validator, EventStore store, AgentActivity activity,
                         RedactionQueue redaction, Metrics metrics) {
        this.json = json;
        this.validator = validator;
        this.store = store;
        this.activity = activity;
        this.redaction = redaction;
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
        List<RedactionQueue.Job> jobs = new ArrayList<>();
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
                String payload = e.payload().has("summary_raw")
                        ? json.writeValueAsString(applyPrivacy(who, e, jobs))
                        : new String(e.payloadJson(), StandardCharsets.UTF_8);
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

        EventStore.Stored stored;
        try {
            stored = store.store(who, rows, refused, requestId, !jobs.isEmpty());
        } catch (RuntimeException ex) {
            redaction.release(who.customerId(), jobs.size());
            throw ex;
        }
        // Only new rows are redacted: a retried event must not cost a second model call.
        for (RedactionQueue.Job job : jobs) {
            if (stored.ids().contains(job.eventId().toString())) {
                redaction.submit(job);
            } else {
                redaction.release(job.customerId(), 1);
            }
        }
        int inserted = stored.inserted();
        int duplicates = rows.size() - inserted + inBatchDuplicates;
        metrics.inc("brain_events_total", inserted, "outcome", "accepted");
        metrics.inc("brain_events_total", duplicates, "outcome", "duplicate");
        refusals.forEach(r -> metrics.inc("brain_events_total", "outcome", "rejected", "reason", r.code()));
        if (!rows.isEmpty()) {
            activity.seen(who.agentId(), version);
        }
        return new IngestResult(inserted, duplicates, refusals);
    }

    /**
     * SPEC §6: tier a drops summary_raw; tier b (and c with the switch off) keeps it only in memory for
     * the redactor; tier c with the switch on keeps it in the payload too. A full queue marks the event
     * summary_failed at once. Returns the payload to store.
     */
    private ObjectNode applyPrivacy(Principal who, Envelope e, List<RedactionQueue.Job> jobs) {
        ObjectNode p = e.payload();
        String raw = p.path("summary_raw").isTextual() ? p.get("summary_raw").asText() : null;
        String policy = who.summaryPolicy();
        if (!policy.equals("keep")) {
            p.remove("summary_raw");
        }
        if (raw == null || raw.isBlank() || policy.equals("drop")) {
            if (policy.equals("drop")) {
                redaction.counted("skipped_tier_a");
            }
            return p;
        }
        if (redaction.reserve(who.customerId())) {
            jobs.add(new RedactionQueue.Job(e.eventId(), e.ts(), who.customerId(), who.agentId(), policy.equals("keep"), raw));
        } else {
            redaction.counted("queue_full");
            p.put("summary_failed", true);
        }
        return p;
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
