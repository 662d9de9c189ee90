package dev.brain.sessions;

import dev.brain.config.Resources;
import dev.brain.metrics.Metrics;
import dev.brain.schedule.Job;
import dev.brain.schedule.Scheduler;
import java.time.Duration;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessionizer's closing job: every session whose end is known, or idle for BRAIN_SESSION_IDLE_S, gets one
 * session.end with the sums of its records (tool calls, per-model usage, duration first to last record, status).
 * Runs under the scheduler's advisory lock, and each batch locks its sessions (skip locked) and marks them closed
 * in the statement that writes their ends, whose event ids are deterministic: a session is closed exactly once.
 */
public final class SessionCloser implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(SessionCloser.class);
    static final long LOCK_KEY = 0x62726169_6e005e55L;
    private static final String CLOSE_SQL = Resources.text("/db/queries/sessions/close-due.sql");
    private static final String PRUNE_SQL = Resources.text("/db/queries/sessions/prune.sql");
    // Sessions per statement: bounds each statement's locks and time; a run loops until none is due.
    private static final int BATCH = 2_000;

    private final Jdbi jdbi;
    private final Duration idle;
    private final Metrics metrics;

    public SessionCloser(Jdbi jdbi, Duration idle, Metrics metrics) {
        this.jdbi = jdbi;
        this.idle = idle;
        this.metrics = metrics;
        metrics.describe("brain_sessionizer_closed_total", "Sessions the sessionizer closed, by whether it wrote their session.end");
    }

    /** How many sessions one run closed, and how many session.end events it wrote (hooks-reported sessions get none). */
    public record Report(long closed, long written) {
    }

    @Override
    public String name() {
        return "sessions";
    }

    @Override
    public long lockKey() {
        return LOCK_KEY;
    }

    @Override
    public void run(Handle h) {
        Report r = close(h);
        if (r.closed() > 0) {
            LOG.debug("sessions: {} closed, {} session.end written", r.closed(), r.written());
        }
    }

    /** One run now under the lock; empty report when another instance holds it. */
    public Report runOnce() {
        return Scheduler.locked(jdbi, LOCK_KEY, this::close).orElse(new Report(0, 0));
    }

    private Report close(Handle h) {
        long closed = 0;
        long written = 0;
        while (true) {
            Report batch = h.createQuery(CLOSE_SQL).bind("idleS", (double) idle.toSeconds()).bind("batch", BATCH)
                    .map((rs, ctx) -> new Report(rs.getLong("closed"), rs.getLong("written"))).one();
            closed += batch.closed();
            written += batch.written();
            if (batch.closed() < BATCH) {
                break;
            }
        }
        metrics.inc("brain_sessionizer_closed_total", written, "session_end", "written");
        metrics.inc("brain_sessionizer_closed_total", closed - written, "session_end", "reported_elsewhere");
        h.createUpdate(PRUNE_SQL).bind("batch", BATCH).execute();
        return new Report(closed, written);
    }
}
