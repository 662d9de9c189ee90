package dev.brain.redact;

import dev.brain.config.Resources;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes redaction results onto the event row: found by customer and ts (index and partition), and by
 * agent and event_id, which together name one event (an event_id is unique per agent only).
 */
public final class SummaryStore {
    private static final String REDACTED_SQL = Resources.text("/db/queries/redact/summary-redacted.sql");
    private static final String FAILED_SQL = Resources.text("/db/queries/redact/summary-failed.sql");
    private final Jdbi jdbi;

    public SummaryStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void redacted(RedactionQueue.Job job, String redacted) {
        jdbi.useHandle(h -> h.createUpdate(REDACTED_SQL)
                .bind("redacted", redacted).bind("customer", job.customerId()).bind("agent", job.agentId()).bind("ts", job.ts())
                .bind("id", job.eventId().toString())
                .execute());
    }

    public void failed(RedactionQueue.Job job) {
        jdbi.useHandle(h -> h.createUpdate(FAILED_SQL)
                .bind("customer", job.customerId()).bind("agent", job.agentId()).bind("ts", job.ts()).bind("id", job.eventId().toString())
                .execute());
    }
}
