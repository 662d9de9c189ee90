package dev.brain.ingest;

import dev.brain.auth.Principal;
import dev.brain.config.Resources;
import dev.brain.error.DatabaseFailure;
import dev.brain.metrics.Metrics;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes a request's events in one transaction. Each event_id is claimed in event_keys for the
 * key's agent (insert ... on conflict do nothing), so a retried or concurrently repeated event
 * stores once, and another agent's event_id, of this customer or another, never suppresses it.
 * Requests without refusals are committed together with their concurrent neighbours ({@link GroupCommit}).
 */
public final class EventStore {
    private static final String INSERT_REJECTED = Resources.text("/db/queries/ingest/insert-rejected.sql");

    private final Jdbi jdbi;
    private final GroupCommit groups;

    public EventStore(Jdbi jdbi, DataSource dataSource, Metrics metrics) {
        this.jdbi = jdbi;
        this.groups = new GroupCommit(dataSource, metrics);
    }

    /** A row to write, with its payload already serialised. */
    public record Row(String eventId, String ts, String eventType, String sessionId, String payloadJson) {
    }

    /** A refused event, recorded without its body. */
    public record Refused(String eventId, Integer index, String code) {
    }

    /**
     * Writes the rows and the refusals in one transaction; returns how many rows were new and which (the rest were
     * duplicates). Rows without refusals go through the group commit: one statement, atomic on its own.
     */
    public Stored store(Principal who, List<Row> rows, List<Refused> refused, String requestId) {
        if (refused.isEmpty()) {
            return rows.isEmpty() ? Stored.NONE : Stored.of(groups.write(who, rows));
        }
        return jdbi.inTransaction(h -> {
            Stored stored = Stored.NONE;
            if (!rows.isEmpty()) {
                var alone = new GroupCommit.Request(who, rows);
                try {
                    stored = Stored.of(GroupCommit.insert(h.getConnection(), List.of(alone)).getOrDefault(alone, Set.of()));
                } catch (SQLException e) {
                    throw new DatabaseFailure("storing " + rows.size() + " events failed", e);
                }
            }
            recordRefused(h, who, refused, requestId);
            return stored;
        });
    }

    /** How many rows were new, and which. */
    public record Stored(int inserted, Set<String> ids) {
        static final Stored NONE = new Stored(0, Set.of());

        static Stored of(Set<String> ids) {
            return new Stored(ids.size(), ids);
        }
    }

    public void recordRefused(Principal who, List<Refused> refused, String requestId) {
        jdbi.useHandle(h -> recordRefused(h, who, refused, requestId));
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
