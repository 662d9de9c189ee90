package dev.brain.redact;

import org.jdbi.v3.core.Jdbi;

/**
 * Writes redaction results onto the event row: found by customer and ts (index and partition), and by
 * agent and event_id, which together name one event (an event_id is unique per agent only).
 */
public final class SummaryStore {
    private final Jdbi jdbi;

    public SummaryStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void redacted(RedactionQueue.Job job, String redacted) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update events set summary_redacted = :redacted, payload = payload - 'summary_failed'
                        where customer_id = :customer and ts = :ts and agent_id = :agent and event_id = cast(:id as uuid)""")
                .bind("redacted", redacted).bind("customer", job.customerId()).bind("agent", job.agentId()).bind("ts", job.ts())
                .bind("id", job.eventId().toString())
                .execute());
    }

    public void failed(RedactionQueue.Job job) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update events set summary_redacted = null, payload = payload || '{"summary_failed": true}'::jsonb
                        where customer_id = :customer and ts = :ts and agent_id = :agent and event_id = cast(:id as uuid)""")
                .bind("customer", job.customerId()).bind("agent", job.agentId()).bind("ts", job.ts()).bind("id", job.eventId().toString())
                .execute());
    }
}
