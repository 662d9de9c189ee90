package dev.brain.analytics;

import dev.brain.config.Resources;
import dev.brain.metrics.Metrics;
import dev.brain.schedule.Job;
import dev.brain.schedule.Scheduler;
import dev.brain.ingest.EventValidator;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds newly ingested events into the rollup tables, reading events by id past a watermark. Ids
 * are allocated before commit, so before reading up to the newest id it waits for the transactions
 * that were open in this database to finish: no late-committing row is skipped. Holds an advisory
 * lock, so concurrent brain instances take turns; the watermark moves in the same transaction as
 * the rollups, so a crash never counts a row twice. A row the database refuses to fold (a number
 * beyond the wire contract, stored before ingest checked it) is isolated by halving the range, set
 * aside in rollup_skipped, counted and logged by id; the rest is folded and the watermark moves on.
 */
public final class RollupJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(RollupJob.class);
    static final long LOCK_KEY = 0x62726169_6e000002L;
    private static final String ROLLUP_SQL = Resources.text("/analytics/rollup.sql");
    static final String SKIPPED_METRIC = "brain_rollup_events_skipped_total";
    private final Jdbi jdbi;
    private final Metrics metrics;
    private final long chunk;
    private final Duration maxWait;

    /** ran: the lock was held and open transactions finished in time; events: rows folded in; skipped: set aside. */
    public record Report(boolean ran, long events, long lastId, Instant freshAsOf, long millis, long skipped) {
    }

    private static final Report NOT_RUN = new Report(false, 0, -1, null, 0, 0);

    private record Skipped(long id, UUID eventId, String error) {
    }

    public RollupJob(Jdbi jdbi) {
        this(jdbi, new Metrics());
    }

    public RollupJob(Jdbi jdbi, Metrics metrics) {
        this(jdbi, metrics, 250_000, Duration.ofSeconds(5));
    }

    public RollupJob(Jdbi jdbi, long chunk, Duration maxWait) {
        this(jdbi, new Metrics(), chunk, maxWait);
    }

    public RollupJob(Jdbi jdbi, Metrics metrics, long chunk, Duration maxWait) {
        this.jdbi = jdbi;
        this.metrics = metrics;
        this.chunk = chunk;
        this.maxWait = maxWait;
        metrics.describe(SKIPPED_METRIC, "Events the rollup job could not fold and set aside (see rollup_skipped)");
        metrics.inc(SKIPPED_METRIC, 0);
    }

    @Override
    public String name() {
        return "rollups";
    }

    @Override
    public long lockKey() {
        return LOCK_KEY;
    }

    @Override
    public void run(Handle h) {
        Report r = fold(h, System.nanoTime());
        if (r.events() > 0) {
            LOG.debug("rollups: {} events folded in {} ms, up to id {}", r.events(), r.millis(), r.lastId());
        }
    }

    /** One fold now, unless another instance is folding. */
    public Report runOnce() {
        long started = System.nanoTime();
        return Scheduler.locked(jdbi, LOCK_KEY, h -> fold(h, started)).orElse(NOT_RUN);
    }

    private Report fold(Handle h, long started) {
        // Every event committed before `fresh` has an id <= hi.
        Instant fresh = h.createQuery("select clock_timestamp()").mapTo(Instant.class).one();
        long hi = h.createQuery("select coalesce(pg_sequence_last_value(pg_get_serial_sequence('events', 'id')::regclass), 0)")
                .mapTo(Long.class).one();
        if (!openTransactionsFinished(h)) {
            LOG.info("rollups postponed: a transaction in this database stayed open longer than {}", maxWait);
            return NOT_RUN;
        }
        long folded = 0;
        long skipped = 0;
        long last;
        do {
            Chunk c = h.inTransaction(tx -> foldChunk(tx, hi, fresh));
            // Reported once committed: a rolled-back chunk set nothing aside.
            for (Skipped s : c.skipped()) {
                LOG.warn("rollups: event {} (id {}) cannot be folded and was set aside in rollup_skipped: {}",
                        s.eventId(), s.id(), s.error());
            }
            metrics.inc(SKIPPED_METRIC, c.skipped().size());
            folded += c.events();
            skipped += c.skipped().size();
            last = c.lastId();
        } while (last < hi);
        return new Report(true, folded, last, fresh, (System.nanoTime() - started) / 1_000_000, skipped);
    }

    private record Chunk(long lastId, long events, List<Skipped> skipped) {
    }

    // Rollups, set-aside rows and watermark move together; the row lock makes a second instance wait, never double count.
    private Chunk foldChunk(Handle tx, long hi, Instant fresh) {
        long lo = tx.createQuery("select last_id from rollup_state where name = 'events' for update").mapTo(Long.class).one();
        long to = Math.max(lo, Math.min(hi, lo + chunk));
        List<Skipped> skipped = new ArrayList<>();
        long events = to > lo ? fold(tx, lo, to, skipped) : 0;
        tx.createUpdate("""
                        update rollup_state set last_id = :to,
                          fresh_as_of = case when :to >= :hi then greatest(fresh_as_of, :fresh) else fresh_as_of end
                        where name = 'events'""")
                .bind("to", to).bind("hi", hi).bind("fresh", fresh).execute();
        return new Chunk(to, events, skipped);
    }

    /**
     * Folds the events with lo < id <= hi. When the database refuses because of a row, undoes the attempt
     * (savepoint), halves the range and tries each half, until the refused row stands alone: that one is
     * set aside. Any other failure (connection, timeout) propagates, and the whole chunk is retried later.
     */
    private long fold(Handle tx, long lo, long hi, List<Skipped> skipped) {
        tx.savepoint("fold");
        try {
            long events = tx.createQuery(ROLLUP_SQL).bind("lo", lo).bind("hi", hi)
                    .bind("max_ms", EventValidator.MAX_DURATION_MS).bind("max_tokens", EventValidator.MAX_TOKENS)
                    .bind("max_cost_cents", EventValidator.MAX_COST_CENTS)
                    .mapTo(Long.class).one();
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
        tx.createQuery("""
                        insert into rollup_skipped (id, event_id, ts, customer_id, error)
                        select id, event_id, ts, customer_id, :error from events where id = :id
                        on conflict (id) do nothing
                        returning event_id""")
                .bind("id", id).bind("error", error).mapTo(UUID.class).findOne()
                .ifPresent(eventId -> skipped.add(new Skipped(id, eventId, error)));
    }

    // Data exceptions (22: out of range, bad cast), constraint violations (23) and program limits (54: an
    // index row too large) come from what a row holds; anything else says nothing about the rows.
    private static boolean causedByRow(JdbiException e) {
        String state = e.getCause() instanceof SQLException s ? s.getSQLState() : null;
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
    }

    // SQLSTATE and the database's own message, with quoted values (which may be payload) cut out.
    @Override
    public String describe(RuntimeException e) {
        return quietly(e);
    }

    private static String quietly(RuntimeException e) {
        if (!(e.getCause() instanceof SQLException s)) {
            return e.toString();
        }
        String message = s instanceof PSQLException p && p.getServerErrorMessage() != null
                ? p.getServerErrorMessage().getMessage() : s.getMessage();
        message = message == null ? "" : message.replaceAll("(?s)\".*\"", "\"…\"");
        return s.getSQLState() + " " + (message.length() > 200 ? message.substring(0, 200) + "…" : message);
    }

    private boolean openTransactionsFinished(Handle h) {
        List<String> open = h.createQuery("""
                        select backend_xid::text from pg_stat_activity
                        where datname = current_database() and backend_xid is not null and pid <> pg_backend_pid()""")
                .mapTo(String.class).list();
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (!open.isEmpty()) {
            int still = h.createQuery("""
                            select count(*) from pg_stat_activity
                            where datname = current_database() and backend_xid::text = any(:xids)""")
                    .bind("xids", open.toArray(new String[0])).mapTo(Integer.class).one();
            if (still == 0) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

}
