package dev.brain.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brain.auth.Principal;
import dev.brain.auth.SummaryPolicy;
import dev.brain.error.BrainException;
import dev.brain.error.InvalidEvent;
import dev.brain.metrics.Metrics;
import dev.brain.pricing.Prices;
import dev.brain.redact.RedactionQueue;
import dev.brain.sessions.Sessionizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest minus any wire format: a decoder (our JSON today) hands a {@link Batch} of already validated events
 * and per-event refusals; the service applies the privacy tier, stores the new events once and accounts for all.
 */
public final class IngestService {
    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

    private final ObjectMapper json;
    private final EventStore store;
    private final AgentActivity activity;
    private final RedactionQueue redaction;
    private final Metrics metrics;
    private final Pricing pricing;
    private final Sessionizer sessionizer;

    public IngestService(ObjectMapper json, EventStore store, AgentActivity activity, RedactionQueue redaction, Metrics metrics) {
        this(json, store, activity, redaction, metrics, Prices.builtIn(), null);
    }

    /**
     * prices: the table that prices LLM usage sent without cost_cents (see {@link Pricing}); sessionizer: assembles the
     * sessions of granular events that nothing else starts (see {@link GranularSessions}), null for none.
     */
    public IngestService(ObjectMapper json, EventStore store, AgentActivity activity, RedactionQueue redaction, Metrics metrics,
                         Prices prices, Sessionizer sessionizer) {
        this.pricing = new Pricing(prices);
        this.sessionizer = sessionizer;
        this.json = json;
        this.store = store;
        this.activity = activity;
        this.redaction = redaction;
        this.metrics = metrics;
        metrics.describe("brain_events_total", "Events by outcome (accepted, duplicate, rejected) and rejection reason");
        metrics.describe("brain_requests_refused_total", "Ingest requests refused whole, by reason");
        metrics.describe("brain_llm_unpriced_total", "LLM usage entries stored with cost null: a model the price table does not know");
        metrics.inc("brain_llm_unpriced_total", 0);
    }

    /** A request's events on their way in, from the principal that sent them. */
    public Batch open(Principal who, String requestId) {
        return new Batch(who, requestId);
    }

    /** Stores what the batch accepted: 202 when nothing was refused, 207 with per-index reasons otherwise. */
    public IngestResult store(Batch b) {
        EventStore.Stored stored;
        try {
            stored = store.store(b.who, b.rows, b.refused, b.requestId);
        } catch (RuntimeException ex) {
            b.abandon();
            throw ex;
        }
        // Only new rows are redacted: a retried event must not cost a second model call.
        for (RedactionQueue.Job job : b.jobs) {
            if (stored.ids().contains(job.eventId().toString())) {
                redaction.submit(job);
            } else {
                redaction.release(job.customerId(), 1);
            }
        }
        b.unpriced.forEach((id, n) -> {
            if (stored.ids().contains(id)) {
                metrics.inc("brain_llm_unpriced_total", n);
            }
        });
        // After the events committed, so a session.start stored by this request is seen; a failure here fails the
        // request, and its retry stores nothing twice (events and records are both idempotent).
        if (b.granular != null && sessionizer != null) {
            var fragments = b.granular.fragments(b.who);
            if (!fragments.isEmpty()) {
                sessionizer.record(fragments);
            }
        }
        int inserted = stored.inserted();
        int duplicates = b.rows.size() - inserted + b.inBatchDuplicates;
        metrics.inc("brain_events_total", inserted, "outcome", "accepted");
        metrics.inc("brain_events_total", duplicates, "outcome", "duplicate");
        b.refusals.forEach(x -> metrics.inc("brain_events_total", "outcome", "rejected", "reason", x.code()));
        if (!b.rows.isEmpty()) {
            activity.seen(b.who.agentId(), b.version);
        }
        return new IngestResult(inserted, duplicates, b.refusals);
    }

    /** One request's events: rows to insert, refusals, redaction slots held. Single-event requests refuse whole. */
    public final class Batch {
        private final Principal who;
        private final String requestId;
        private final List<EventStore.Row> rows = new ArrayList<>();
        private final List<EventStore.Refused> refused = new ArrayList<>();
        private final List<IngestResult.Refusal> refusals = new ArrayList<>();
        private final Set<UUID> seen = new HashSet<>();
        private final List<RedactionQueue.Job> jobs = new ArrayList<>();
        private final Map<String, Integer> unpriced = new HashMap<>();
        private boolean many;
        private GranularSessions granular;
        private int inBatchDuplicates;
        private String version;

        private Batch(Principal who, String requestId) {
            this.who = who;
            this.requestId = requestId;
        }

        /** From now on a refused event is answered per index (207) instead of refusing the request (400). */
        public void expectMany() {
            many = true;
        }

        public boolean many() {
            return many;
        }

        /** Granular events of sessions that nothing else starts are assembled into sessions (/v1/events, the collector API). */
        public void assembleGranularSessions() {
            granular = new GranularSessions();
        }

        public void accept(Envelope e) {
            if (!seen.add(e.eventId())) {
                inBatchDuplicates++;
                return;
            }
            int unpricedEntries = pricing.apply(e);
            if (unpricedEntries > 0) {
                unpriced.put(e.eventId().toString(), unpricedEntries);
            }
            String payload;
            try {
                payload = json.writeValueAsString(e.payload().has("summary_raw") ? applyPrivacy(e) : e.payload());
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("a validated payload failed to serialise", ex);
            }
            if (e.eventType().equals("heartbeat") && e.payload().path("agent_version").isTextual()) {
                version = e.payload().get("agent_version").asText();
            }
            rows.add(new EventStore.Row(e.eventId().toString(), e.ts().toString(), e.eventType(), e.sessionId(), payload));
            if (granular != null) {
                granular.take(e);
            }
        }

        /** Event `index` broke the contract; eventId only when it was a well-formed UUID. Throws it for a single event. */
        public void reject(int index, String eventId, InvalidEvent why) {
            if (!many) {
                metrics.inc("brain_events_total", "outcome", "rejected", "reason", why.code());
                recordQuietly(new EventStore.Refused(eventId, null, why.code()));
                abandon();
                throw why;
            }
            refused.add(new EventStore.Refused(eventId, index, why.code()));
            refusals.add(new IngestResult.Refusal(index, eventId, why.code(), why.getMessage()));
        }

        /** The whole request is refused: counted, recorded without its body, its redaction slots given back. */
        public BrainException refuse(BrainException e) {
            abandon();
            metrics.inc("brain_requests_refused_total", "reason", e.code());
            recordQuietly(new EventStore.Refused(null, null, e.code()));
            return e;
        }

        void abandon() {
            redaction.release(who.customerId(), jobs.size());
            jobs.clear();
        }

        /**
         * SPEC §6: tier a drops summary_raw; tier b (and c with the switch off) keeps it only in memory for
         * the redactor; tier c with the switch on keeps it in the payload too. A full queue marks the event
         * summary_failed at once. Returns the payload to store.
         */
        private ObjectNode applyPrivacy(Envelope e) {
            ObjectNode p = e.payload();
            String raw = p.path("summary_raw").isTextual() ? p.get("summary_raw").asText() : null;
            SummaryPolicy policy = who.summaryPolicy();
            if (policy != SummaryPolicy.KEEP) {
                p.remove("summary_raw");
            }
            if (raw == null || raw.isBlank() || policy == SummaryPolicy.DROP) {
                if (policy == SummaryPolicy.DROP) {
                    redaction.count("skipped_tier_a");
                }
                return p;
            }
            if (redaction.reserve(who.customerId())) {
                jobs.add(new RedactionQueue.Job(e.eventId(), e.ts(), who.customerId(), who.agentId(), raw));
            } else {
                redaction.count("queue_full");
                p.put("summary_failed", true);
            }
            return p;
        }

        // The record of a refusal is best effort: a 400 stays a 400 even when the database is away.
        private void recordQuietly(EventStore.Refused r) {
            try {
                store.recordRefused(who, List.of(r), requestId);
            } catch (RuntimeException e) {
                LOG.warn("could not record a refused request: {}", e.getClass().getSimpleName());
            }
        }
    }
}
