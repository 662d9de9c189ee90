package dev.brain.analytics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
 * the rollups, so a crash never counts a row twice.
 */
public final class RollupJob implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RollupJob.class);
    static final long LOCK_KEY = 0x62726169_6e000002L;
    private static final String ROLLUP_SQL = resource("/analytics/rollup.sql");
    private final Jdbi jdbi;
    private final long chunk;
    private final Duration maxWait;

    /** ran: the lock was held and open transactions finished in time; events: rows folded in. */
    public record Report(boolean ran, long events, long lastId, Instant freshAsOf, long millis) {
    }

    public RollupJob(Jdbi jdbi) {
        this(jdbi, 250_000, Duration.ofSeconds(5));
    }

    public RollupJob(Jdbi jdbi, long chunk, Duration maxWait) {
        this.jdbi = jdbi;
        this.chunk = chunk;
        this.maxWait = maxWait;
    }

    @Override
    public void run() {
        try {
            Report r = runOnce();
            if (r.events() > 0) {
                LOG.debug("rollups: {} events folded in {} ms, up to id {}", r.events(), r.millis(), r.lastId());
            }
        } catch (RuntimeException e) {
            LOG.warn("rollup job failed, will retry: {}", e.toString());
        }
    }

    public Report runOnce() {
        long started = System.nanoTime();
        return jdbi.withHandle(h -> {
            if (!h.createQuery("select pg_try_advisory_lock(:k)").bind("k", LOCK_KEY).mapTo(Boolean.class).one()) {
                return new Report(false, 0, -1, null, 0);
            }
            try {
                // Every event committed before `fresh` has an id <= hi.
                Instant fresh = h.createQuery("select clock_timestamp()").mapTo(Instant.class).one();
                long hi = h.createQuery("select coalesce(pg_sequence_last_value(pg_get_serial_sequence('events', 'id')::regclass), 0)")
                        .mapTo(Long.class).one();
                if (!openTransactionsFinished(h)) {
                    LOG.info("rollups postponed: a transaction in this database stayed open longer than {}", maxWait);
                    return new Report(false, 0, -1, null, 0);
                }
                long folded = 0;
                long last;
                do {
                    Chunk c = h.inTransaction(tx -> foldChunk(tx, hi, fresh));
                    folded += c.events();
                    last = c.lastId();
                } while (last < hi);
                return new Report(true, folded, last, fresh, (System.nanoTime() - started) / 1_000_000);
            } finally {
                h.createQuery("select pg_advisory_unlock(:k)").bind("k", LOCK_KEY).mapTo(Boolean.class).one();
            }
        });
    }

    private record Chunk(long lastId, long events) {
    }

    // Rollups and watermark move together; the row lock makes a second instance wait, never double count.
    private Chunk foldChunk(Handle tx, long hi, Instant fresh) {
        long lo = tx.createQuery("select last_id from rollup_state where name = 'events' for update").mapTo(Long.class).one();
        long to = Math.max(lo, Math.min(hi, lo + chunk));
        long events = to > lo ? tx.createQuery(ROLLUP_SQL).bind("lo", lo).bind("hi", to).mapTo(Long.class).one() : 0;
        tx.createUpdate("""
                        update rollup_state set last_id = :to,
                          fresh_as_of = case when :to >= :hi then greatest(fresh_as_of, :fresh) else fresh_as_of end
                        where name = 'events'""")
                .bind("to", to).bind("hi", hi).bind("fresh", fresh).execute();
        return new Chunk(to, events);
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

    private static String resource(String path) {
        try (InputStream in = RollupJob.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
