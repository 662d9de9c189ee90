package dev.brain.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
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
    // Every JSON token serialises to at least one byte, so a payload within its byte limit has at most that many
    // tokens; an event with twice as many is refused before its tree is built, whatever its numbers or nesting.
    private static final int MAX_EVENT_TOKENS = 2 * EventValidator.MAX_PAYLOAD_BYTES;
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
        Pending r = parse(who, body, requestId);
        EventStore.Stored stored;
        try {
            stored = store.store(who, r.rows, r.refused, requestId, !r.jobs.isEmpty());
        } catch (RuntimeException ex) {
            r.abandon();
            throw ex;
        }
        // Only new rows are redacted: a retried event must not cost a second model call.
        for (RedactionQueue.Job job : r.jobs) {
            if (stored.ids().contains(job.eventId().toString())) {
                redaction.submit(job);
            } else {
                redaction.release(job.customerId(), 1);
            }
        }
        int inserted = stored.inserted();
        int duplicates = r.rows.size() - inserted + r.inBatchDuplicates;
        metrics.inc("brain_events_total", inserted, "outcome", "accepted");
        metrics.inc("brain_events_total", duplicates, "outcome", "duplicate");
        r.refusals.forEach(x -> metrics.inc("brain_events_total", "outcome", "rejected", "reason", x.code()));
        if (!r.rows.isEmpty()) {
            activity.seen(who.agentId(), r.version);
        }
        return new IngestResult(inserted, duplicates, r.refusals);
    }

    /** One request's events on their way to the store: rows to insert, refusals, redaction slots held. */
    private final class Pending {
        final Principal who;
        final String requestId;
        final List<EventStore.Row> rows = new ArrayList<>();
        final List<EventStore.Refused> refused = new ArrayList<>();
        final List<IngestResult.Refusal> refusals = new ArrayList<>();
        final Set<UUID> seen = new HashSet<>();
        final List<RedactionQueue.Job> jobs = new ArrayList<>();
        boolean batch;
        int count;
        int inBatchDuplicates;
        String version;

        Pending(Principal who, String requestId) {
            this.who = who;
            this.requestId = requestId;
        }

        // item is null when it was too big to build.
        void take(JsonNode item) {
            int i = count++;
            try {
                if (item == null) {
                    throw new Rejection("payload_too_large", "the event holds more than " + MAX_EVENT_TOKENS
                            + " JSON tokens; a payload is at most " + EventValidator.MAX_PAYLOAD_BYTES + " bytes");
                }
                Envelope e = validator.validate(item);
                if (!seen.add(e.eventId())) {
                    inBatchDuplicates++;
                    return;
                }
                String payload = e.payload().has("summary_raw")
                        ? json.writeValueAsString(applyPrivacy(who, e, jobs))
                        : new String(e.payloadJson(), StandardCharsets.UTF_8);
                if (e.eventType().equals("heartbeat") && e.payload().path("agent_version").isTextual()) {
                    version = e.payload().get("agent_version").asText();
                }
                rows.add(new EventStore.Row(e.eventId().toString(), e.ts().toString(), e.eventType(), e.sessionId(), payload));
            } catch (Rejection r) {
                String eventId = item == null ? null : safeEventId(item);
                if (!batch) {
                    metrics.inc("brain_events_total", "outcome", "rejected", "reason", r.code());
                    recordQuietly(who, new EventStore.Refused(eventId, null, r.code()), requestId);
                    throw ApiException.badRequest(r.code(), r.getMessage());
                }
                refused.add(new EventStore.Refused(eventId, i, r.code()));
                refusals.add(new IngestResult.Refusal(i, eventId, r.code(), r.getMessage()));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("a validated payload failed to serialise", ex);
            }
        }

        ApiException refuse(ApiException e) {
            return refuseRequest(who, requestId, e);
        }

        // The request will not be stored: give back the redaction slots its events took.
        void abandon() {
            redaction.release(who.customerId(), jobs.size());
            jobs.clear();
        }
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

    private Pending parse(Principal who, byte[] body, String requestId) {
        if (body.length == 0) {
            throw refuseRequest(who, requestId, ApiException.badRequest("empty_body", "the body is empty"));
        }
        Pending r = new Pending(who, requestId);
        try (JsonParser p = json.createParser(body)) {
            ObjectNode root = walk(p, r);
            if (!r.batch) {
                r.take(root);
            }
            return r;
        } catch (StreamConstraintsException e) {
            r.abandon();
            throw refuseRequest(who, requestId, ApiException.badRequest("invalid_json", "the body exceeds a JSON limit: nesting or size"));
        } catch (IOException e) {
            r.abandon();
            throw refuseRequest(who, requestId, ApiException.badRequest("invalid_json", "the body is not valid JSON"));
        } catch (RuntimeException e) {
            r.abandon();
            throw e;
        }
    }

    /**
     * Walks the body token by token. A batch's events are built and taken one at a time, so a request holds
     * its body, one bounded event tree and the rows taken so far, never a tree of the whole body. Returns the
     * root object for a single event (null if it was too big to build); for a batch, the events are taken.
     */
    private ObjectNode walk(JsonParser p, Pending r) throws IOException {
        JsonToken first = p.nextToken();
        if (first != JsonToken.START_OBJECT) {
            p.skipChildren();
            requireEnd(p, r);
            throw r.refuse(ApiException.badRequest("invalid_body", "the body must be a JSON object: one event, or {\"events\": [...]}"));
        }
        var capped = new CappedParser(json, p, MAX_EVENT_TOKENS);
        int depth = p.getParsingContext().getNestingDepth();
        ObjectNode root = json.createObjectNode();
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("events")) {
                events(p, value, capped, r);
            } else if (root != null && !r.batch) {
                try {
                    root.set(name, capped.read());
                } catch (CappedParser.TooManyTokens e) {
                    root = null;
                    CappedParser.skipTo(p, depth);
                }
            } else {
                p.skipChildren();
            }
        }
        requireEnd(p, r);
        return root;
    }

    private void events(JsonParser p, JsonToken value, CappedParser capped, Pending r) throws IOException {
        if (r.batch) {
            throw r.refuse(ApiException.badRequest("invalid_batch", "events appears more than once"));
        }
        if (value != JsonToken.START_ARRAY) {
            throw r.refuse(ApiException.badRequest("invalid_batch", "events must be an array"));
        }
        r.batch = true;
        int depth = p.getParsingContext().getNestingDepth();
        int size = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == null) {
                throw new JsonEOFException(p, null, "the events array is not closed");
            }
            if (++size > MAX_BATCH) {
                p.skipChildren();
                continue;
            }
            JsonNode item;
            try {
                capped.reset(MAX_EVENT_TOKENS);
                item = capped.read();
            } catch (CappedParser.TooManyTokens e) {
                item = null;
                CappedParser.skipTo(p, depth);
            }
            r.take(item);
        }
        if (size == 0) {
            throw r.refuse(ApiException.badRequest("empty_batch", "events is empty"));
        }
        if (size > MAX_BATCH) {
            throw r.refuse(ApiException.badRequest("batch_too_large", "a batch holds at most " + MAX_BATCH + " events; this one has " + size));
        }
    }

    // One JSON value per body: anything but whitespace after it would otherwise be dropped unseen.
    private static void requireEnd(JsonParser p, Pending r) throws IOException {
        if (p.nextToken() != null) {
            throw r.refuse(ApiException.badRequest("invalid_json", "the body holds more than one JSON value"));
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
