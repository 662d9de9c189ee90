package dev.brain.ingest;

import dev.brain.auth.Principal;
import dev.brain.config.Resources;
import dev.brain.error.DatabaseFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes a request's events in one transaction. Each event_id is claimed in event_keys for the
 * key's agent (insert ... on conflict do nothing), so a retried or concurrently repeated event
 * stores once, and another agent's event_id, of this customer or another, never suppresses it.
 */
public final class EventStore {
    // One statement per row count (cached): a VALUES list of plain parameters costs the driver far
    // less than encoding text arrays, and PostgreSQL plans it once per connection.
    private static final ConcurrentHashMap<Integer, String> INSERT_EVENTS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Integer, String> INSERT_EVENTS_RETURNING = new ConcurrentHashMap<>();

    private static String insertEventsReturning(int rows) {
        return insertEvents(rows) + " returning event_id";
    }

    private static String insertEvents(int rows) {
        var sql = new StringBuilder(200 + rows * 64).append("with input (event_id, ts, event_type, session_id, payload) as (values ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ",").append("(cast(? as uuid), cast(? as timestamptz), ?, ?, cast(? as jsonb))");
        }
        return sql.append("""
                ), fresh as (
                  insert into event_keys (event_id, agent_id, ts) select event_id, cast(? as text), ts from input
                  on conflict (event_id, agent_id) do nothing
                  returning event_id
                )
                insert into events (ts, customer_id, agent_id, event_type, session_id, event_id, payload)
                select i.ts, ?, ?, i.event_type, i.session_id, i.event_id, i.payload
                from input i join fresh f using (event_id)""").toString();
    }

    private static final String INSERT_REJECTED = Resources.text("/db/queries/ingest/insert-rejected.sql");

    private final Jdbi jdbi;
    private final DataSource dataSource;

    public EventStore(Jdbi jdbi, DataSource dataSource) {
        this.jdbi = jdbi;
        this.dataSource = dataSource;
    }

    /** A row to write, with its payload already serialised. */
    public record Row(String eventId, String ts, String eventType, String sessionId, String payloadJson) {
    }

    /** A refused event, recorded without its body. */
    public record Refused(String eventId, Integer index, String code) {
    }

    /**
     * Writes the rows and the refusals in one transaction. Returns the event_ids that were new (the
     * rest were duplicates) when `wantIds`; otherwise only how many.
     */
    public Stored store(Principal who, List<Row> rows, List<Refused> refused, String requestId, boolean wantIds) {
        if (refused.isEmpty()) {
            // One statement is atomic on its own: no BEGIN/COMMIT round trips on the common path.
            if (rows.isEmpty()) {
                return Stored.NONE;
            }
            // The hot path borrows a pooled connection directly: a Jdbi handle costs more than the rest of the call.
            try (Connection c = dataSource.getConnection()) {
                return insertEvents(c, who, rows, wantIds);
            } catch (SQLException e) {
                throw new DatabaseFailure("no connection for storing events", e);
            }
        }
        return jdbi.inTransaction(h -> {
            Stored stored = rows.isEmpty() ? Stored.NONE : insertEvents(h.getConnection(), who, rows, wantIds);
            recordRefused(h, who, refused, requestId);
            return stored;
        });
    }

    /** How many rows were new, and which (only when asked for). */
    public record Stored(int inserted, Set<String> ids) {
        static final Stored NONE = new Stored(0, Set.of());
    }

    public void recordRefused(Principal who, List<Refused> refused, String requestId) {
        jdbi.useHandle(h -> recordRefused(h, who, refused, requestId));
    }

    private static Stored insertEvents(Connection connection, Principal who, List<Row> rows, boolean wantIds) {
        String sql = wantIds ? INSERT_EVENTS_RETURNING.computeIfAbsent(rows.size(), EventStore::insertEventsReturning)
                : INSERT_EVENTS.computeIfAbsent(rows.size(), EventStore::insertEvents);
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int p = 1;
            for (Row r : rows) {
                ps.setString(p++, r.eventId());
                ps.setString(p++, r.ts());
                ps.setString(p++, r.eventType());
                ps.setString(p++, r.sessionId());
                ps.setString(p++, r.payloadJson());
            }
            ps.setString(p++, who.agentId());
            ps.setString(p++, who.customerId());
            ps.setString(p, who.agentId());
            if (!wantIds) {
                return new Stored(ps.executeUpdate(), Set.of());
            }
            Set<String> ids = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return new Stored(ids.size(), ids);
        } catch (SQLException e) {
            throw new DatabaseFailure("storing " + rows.size() + " events failed", e);
        }
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
