package dev.brain.analytics;

import dev.brain.config.Resources;
import dev.brain.ingest.EventValidator;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.postgresql.util.PSQLException;

/**
 * Folds a range of events into the rollups inside the caller's transaction. A row the database refuses
 * to fold (a number beyond the wire contract, stored before ingest checked it) is isolated by halving
 * the range and set aside in rollup_skipped; the rest of the range is folded.
 */
final class RollupFold {
    private static final String ROLLUP_SQL = Resources.text("/db/queries/analytics/rollup.sql");
    private static final String ALERTS_SQL = Resources.text("/db/queries/analytics/rollup-alerts.sql");
    /** Sessions with fewer tool calls are not kept for the tool_call_loop alert (its smallest threshold). */
    static final int MIN_SESSION_TOOL_CALLS = 10;
    private static final String SET_ASIDE_SQL = Resources.text("/db/queries/analytics/rollup-set-aside.sql");

    // The customer page's rollups, told by rollup.sql which carriers it did not count and which statuses it decided.
    private static final String CUSTOMER_SQL = "select brain_fold_customer(:lo, :hi, cast(:skipEndTools as bigint[]), "
            + "cast(:skipEndLlm as bigint[]), cast(:skipSteps as bigint[]), cast(:statusIds as bigint[]), cast(:statuses as text[]))";

    private static final String EMPTIED_SQL = Resources.text("/db/queries/analytics/rollup-emptied-categories.sql");

    /** What rollup.sql answers: the events read, and the counted-once and status decisions (README "Granular events"). */
    private record Carriers(long events, Long[] skipEndTools, Long[] skipEndLlm, Long[] skipSteps, Long[] statusIds, String[] statuses,
                            String[] movedFrom) {
    }

    /** An event set aside, with the database's error (quoted values removed). */
    record Skipped(long id, UUID eventId, String error) {
    }

    private RollupFold() {
    }

    /**
     * Folds the events with lo < id <= hi. When the database refuses because of a row, undoes the attempt
     * (savepoint), halves the range and tries each half, until the refused row stands alone: that one is
     * set aside. Any other failure (connection, timeout) propagates, and the whole chunk is retried later.
     */
    static long fold(Handle tx, long lo, long hi, List<Skipped> skipped) {
        tx.savepoint("fold");
        try {
            Carriers c = tx.createQuery(ROLLUP_SQL).bind("lo", lo).bind("hi", hi)
                    .bind("max_ms", EventValidator.MAX_DURATION_MS).bind("max_tokens", EventValidator.MAX_TOKENS)
                    .bind("max_cost_cents", EventValidator.MAX_COST_CENTS)
                    .map((rs, ctx) -> new Carriers(rs.getLong("events"), (Long[]) rs.getArray("skip_end_tools").getArray(),
                            (Long[]) rs.getArray("skip_end_llm").getArray(), (Long[]) rs.getArray("skip_steps").getArray(),
                            (Long[]) rs.getArray("status_ids").getArray(), (String[]) rs.getArray("statuses").getArray(),
                            (String[]) rs.getArray("moved_from").getArray()))
                    .one();
            tx.createQuery(ALERTS_SQL).bind("lo", lo).bind("hi", hi).bind("max_dropped", EventValidator.MAX_DROPPED)
                    .bind("min_session_calls", MIN_SESSION_TOOL_CALLS).mapTo(Long.class).one();
            tx.createQuery(CUSTOMER_SQL).bind("lo", lo).bind("hi", hi).bind("skipEndTools", c.skipEndTools())
                    .bind("skipEndLlm", c.skipEndLlm()).bind("skipSteps", c.skipSteps()).bind("statusIds", c.statusIds())
                    .bind("statuses", c.statuses()).mapTo(Long.class).one();
            if (c.movedFrom().length > 0) {
                tx.createUpdate(EMPTIED_SQL).bind("keys", c.movedFrom()).execute();
            }
            long events = c.events();
            tx.releaseSavepoint("fold");
            return events;
        } catch (JdbiException e) {
            if (!causedByRow(e)) {
                throw e;
            }
            tx.rollbackToSavepoint("fold");
            List<Long> ids = tx.createQuery("select id from events where id > :lo and id <= :hi order by id limit 2")
                    .bind("lo", lo).bind("hi", hi).mapTo(Long.class).list();
            if (ids.isEmpty()) {
                throw e;
            }
            if (ids.size() == 1) {
                setAside(tx, ids.get(0), quietly(e), skipped);
                return 0;
            }
            long mid = lo + (hi - lo) / 2;
            return fold(tx, lo, mid, skipped) + fold(tx, mid, hi, skipped);
        }
    }

    private static void setAside(Handle tx, long id, String error, List<Skipped> skipped) {
        tx.createQuery(SET_ASIDE_SQL).bind("id", id).bind("error", error).mapTo(UUID.class).findOne()
                .ifPresent(eventId -> skipped.add(new Skipped(id, eventId, error)));
    }

    // Data exceptions (22: out of range, bad cast), constraint violations (23) and program limits (54: an
    // index row too large) come from what a row holds; anything else says nothing about the rows.
    private static boolean causedByRow(JdbiException e) {
        String state = e.getCause() instanceof SQLException s ? s.getSQLState() : null;
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
    }

    /** SQLSTATE and the database's own message, with quoted values (which may be payload) cut out. */
    static String quietly(RuntimeException e) {
        if (!(e.getCause() instanceof SQLException s)) {
            return e.toString();
        }
        String message = s instanceof PSQLException p && p.getServerErrorMessage() != null
                ? p.getServerErrorMessage().getMessage() : s.getMessage();
        message = message == null ? "" : message.replaceAll("(?s)\".*\"", "\"…\"");
        return s.getSQLState() + " " + (message.length() > 200 ? message.substring(0, 200) + "…" : message);
    }
}
