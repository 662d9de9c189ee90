package dev.brain.analytics;

import dev.brain.config.Resources;
import dev.brain.metrics.Metrics;
import dev.brain.schedule.Job;
import dev.brain.schedule.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds newly ingested events into the rollup tables, reading events by id past a watermark. Ids
 * are allocated before commit, so before reading up to the newest id it waits for the transactions
 * that were open in this database to finish: no late-committing row is skipped. Holds an advisory
 * lock, so concurrent brain instances take turns; the watermark moves in the same transaction as
 * the rollups, so a crash never counts a row twice. A row the database refuses to fold is set aside
 * (see RollupFold), counted and logged by id; the rest is folded and the watermark moves on.
 */
public final class RollupJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(RollupJob.class);
    public static final long LOCK_KEY = 0x62726169_6e000002L;
    private static final String ADVANCE_SQL = Resources.text("/db/queries/analytics/rollup-advance.sql");
    private static final String OPEN_SQL = Resources.text("/db/queries/analytics/open-transactions.sql");
    private static final String STILL_OPEN_SQL = Resources.text("/db/queries/analytics/still-open.sql");
    static final String SKIPPED_METRIC = "brain_rollup_events_skipped_total";
    private final Jdbi jdbi;
    private final Metrics metrics;
    private static final long BIG_BACKLOG = 50_000;
    private final long chunk;
    private final Duration maxWait;

    /** ran: the lock was held and open transactions finished in time; events: rows folded in; skipped: set aside. */
    public record Report(boolean ran, long events, long lastId, Instant freshAsOf, long millis, long skipped) {
    }

    private static final Report NOT_RUN = new Report(false, 0, -1, null, 0, 0);

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
        refreshStatistics(h, hi);
        long folded = 0;
        long skipped = 0;
        long last;
        do {
            Chunk c = h.inTransaction(tx -> foldChunk(tx, hi, fresh));
            // Reported once committed: a rolled-back chunk set nothing aside.
            for (RollupFold.Skipped s : c.skipped()) {
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

    /**
     * After a burst (a backlog after downtime, a load test) the month partitions hold many rows autovacuum has not
     * analysed yet; the fold's plan then guesses one row where there are a hundred thousand and loops over every pair:
     * minutes instead of seconds. Before a big backlog, partitions whose rows changed by more than a fifth since their
     * last analysis are analysed here (a sample of 30,000 rows: a fraction of a second each).
     */
    private static void refreshStatistics(Handle h, long hi) {
        long lo = h.createQuery("select last_id from rollup_state where name = 'events'").mapTo(Long.class).one();
        if (hi - lo < BIG_BACKLOG) {
            return;
        }
        List<String> stale = h.createQuery("""
                select quote_ident(schemaname) || '.' || quote_ident(relname) from pg_stat_user_tables
                where relname like 'events\\_%' and n_mod_since_analyze > greatest(10000, 0.2 * n_live_tup)""")
                .mapTo(String.class).list();
        for (String partition : stale) {
            h.execute("analyze " + partition);
        }
        if (!stale.isEmpty()) {
            LOG.info("rollups: {} events to fold; statistics refreshed first for {}", hi - lo, stale);
        }
    }

    private record Chunk(long lastId, long events, List<RollupFold.Skipped> skipped) {
    }

    // Rollups, set-aside rows and watermark move together; the row lock makes a second instance wait, never double count.
    private Chunk foldChunk(Handle tx, long hi, Instant fresh) {
        long lo = tx.createQuery("select last_id from rollup_state where name = 'events' for update").mapTo(Long.class).one();
        long to = Math.max(lo, Math.min(hi, lo + chunk));
        List<RollupFold.Skipped> skipped = new ArrayList<>();
        long events = to > lo ? RollupFold.fold(tx, lo, to, skipped) : 0;
        tx.createUpdate(ADVANCE_SQL).bind("to", to).bind("hi", hi).bind("fresh", fresh).execute();
        return new Chunk(to, events, skipped);
    }

    private boolean openTransactionsFinished(Handle h) {
        List<String> open = h.createQuery(OPEN_SQL).mapTo(String.class).list();
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (!open.isEmpty()) {
            int still = h.createQuery(STILL_OPEN_SQL).bind("xids", open.toArray(new String[0])).mapTo(Integer.class).one();
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

    // SQLSTATE and the database's own message, with quoted values (which may be payload) cut out.
    @Override
    public String describe(RuntimeException e) {
        return RollupFold.quietly(e);
    }
}
