package dev.brain.customer;

import dev.brain.analytics.RollupJob;
import dev.brain.config.Resources;
import dev.brain.schedule.Job;
import dev.brain.schedule.Scheduler;
import java.time.LocalDate;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Keeps what the rollups cannot recompute later: today's health per customer (liveness depends on the moment),
 * and closed billing months, frozen once. Runs under the rollup job's lock, so a month closes between two folds:
 * each event is either in the frozen figures or in an adjustment line, never both, never neither.
 */
public final class CustomerSnapshots implements Job {
    private static final String HEALTH_SQL = Resources.text("/db/queries/customer/health-snapshot.sql");
    private static final String CLOSABLE_SQL = Resources.text("/db/queries/customer/closable-months.sql");
    private static final String CLOSE_SQL = Resources.text("/db/queries/customer/close-month.sql");
    private final Jdbi jdbi;
    private final int closeDays;

    public CustomerSnapshots(Jdbi jdbi, int closeDays) {
        this.jdbi = jdbi;
        this.closeDays = closeDays;
    }

    @Override
    public String name() {
        return "customer-snapshots";
    }

    @Override
    public long lockKey() {
        return RollupJob.LOCK_KEY;
    }

    @Override
    public void run(Handle h) {
        h.createUpdate(HEALTH_SQL).execute();
        List<LocalDate> months = h.createQuery(CLOSABLE_SQL).bind("close_days", closeDays).mapTo(LocalDate.class).list();
        for (LocalDate month : months) {
            h.useTransaction(tx -> tx.createUpdate(CLOSE_SQL).bind("month", month).execute());
        }
    }

    /** One run now, unless a fold or another instance holds the lock; false when it did not run. */
    public boolean runOnce() {
        return Scheduler.locked(jdbi, lockKey(), h -> {
            run(h);
            return true;
        }).orElse(false);
    }
}
