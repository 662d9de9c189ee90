package dev.brain.ingest;

import dev.brain.auth.Principal;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes a request's events in one transaction. Each event_id is claimed in event_keys
 * (insert ... on conflict do nothing), so a retried or concurrently repeated event stores once.
 */
public final class EventStore {
    private static final String INSERT_EVENTS = """
            with input as (
              select * from unnest(cast(:ids as uuid[]), cast(:ts as timestamptz[]), cast(:types as text[]),
                                   cast(:sessions as text[]), cast(:payloads as jsonb[]))
                       as t(event_id, ts, event_type, session_id, payload)
            ), fresh as (
              insert into event_keys (event_id, ts) select event_id, ts from input
              on conflict (event_id) do nothing
              returning event_id
            )
            insert into events (ts, customer_id, agent_id, event_type, session_id, event_id, payload)
            select i.ts, :customer, :agent, i.event_type, i.session_id, i.event_id, i.payload
            from input i join fresh f using (event_id)""";

    private static final String INSERT_REJECTED = """
            insert into rejected_events (customer_id, agent_id, event_id, event_index, code, request_id)
            select :customer, :agent, e, i, c, :requestId
            from unnest(cast(:eventIds as text[]), cast(:indexes as int[]), cast(:codes as text[])) as t(e, i, c)""";

    private final Jdbi jdbi;

    public EventStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A row to write, with its payload already serialised. */
    public record Row(String eventId, String ts, String eventType, String sessionId, String payloadJson) {
    }

    /** A refused event, recorded without its body. */
    public record Refused(String eventId, Integer index, String code) {
    }

    /** Returns how many rows were new (the rest were duplicates). */
    public int store(Principal who, List<Row> rows, List<Refused> refused, String requestId) {
        return jdbi.inTransaction(h -> {
            int inserted = rows.isEmpty() ? 0 : insertEvents(h, who, rows);
            if (!refused.isEmpty()) {
                recordRefused(h, who, refused, requestId);
            }
            return inserted;
        });
    }

    public void recordRefused(Principal who, List<Refused> refused, String requestId) {
        jdbi.useHandle(h -> recordRefused(h, who, refused, requestId));
    }

    private static int insertEvents(Handle h, Principal who, List<Row> rows) {
        int n = rows.size();
        String[] ids = new String[n];
        String[] ts = new String[n];
        String[] types = new String[n];
        String[] sessions = new String[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            ids[i] = r.eventId();
            ts[i] = r.ts();
            types[i] = r.eventType();
            sessions[i] = r.sessionId();
            payloads[i] = r.payloadJson();
        }
        return h.createUpdate(INSERT_EVENTS)
                .bind("ids", ids).bind("ts", ts).bind("types", types).bind("sessions", sessions).bind("payloads", payloads)
                .bind("customer", who.customerId()).bind("agent", who.agentId())
                .execute();
    }

    private static void recordRefused(Handle h, Principal who, List<Refused> refused, String requestId) {
        int n = refused.size();
        String[] ids = new String[n];
        Integer[] indexes = new Integer[n];
        String[] codes = new String[n];
        for (int i = 0; i < n; i++) {
            Refused r = refused.get(i);
            ids[i] = r.eventId();
            indexes[i] = r.index();
            codes[i] = r.code();
        }
        h.createUpdate(INSERT_REJECTED)
                .bind("customer", who == null ? null : who.customerId())
                .bind("agent", who == null ? null : who.agentId())
                .bind("eventIds", ids).bind("indexes", indexes).bind("codes", codes).bind("requestId", requestId)
                .execute();
    }
}
