package dev.brain.schedule;

import dev.brain.config.Resources;
import dev.brain.metrics.Metrics;
import java.time.Instant;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs named jobs on one thread, each under its advisory lock so concurrent brain instances take turns, with one
 * policy: a failure is logged and counted and the job runs again at its next turn. Metrics per job: runs,
 * failures, last duration. Each finished run is a row of job_runs (job, instance, start and end on the database's clock).
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    private static final String RECORD_RUN_SQL = Resources.text("/db/queries/schedule/record-run.sql");
    /** This process among the brains on one database, as job_runs names it: host and process id. */
    public static final String INSTANCE = System.getenv().getOrDefault("HOSTNAME", "localhost") + "/" + ProcessHandle.current().pid();
    private final Jdbi jdbi;
    private final Metrics metrics;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "brain-jobs");
        t.setDaemon(true);
        return t;
    });

    public Scheduler(Jdbi jdbi, Metrics metrics) {
        this.jdbi = jdbi;
        this.metrics = metrics;
        metrics.describe("brain_job_runs_total", "Scheduled job runs that held the lock and finished, by job");
        metrics.describe("brain_job_failures_total", "Scheduled job runs that failed, by job");
        metrics.describe("brain_job_last_duration_seconds", "How long the last run of each job took");
    }

    /** Runs the job every `interval`, the first time after `firstDelay`. */
    public void every(Job job, Duration interval, Duration firstDelay) {
        metrics.inc("brain_job_runs_total", 0, "job", job.name());
        metrics.inc("brain_job_failures_total", 0, "job", job.name());
        double[] last = {0};
        metrics.gauge("brain_job_last_duration_seconds", () -> last[0], "job", job.name());
        thread.scheduleWithFixedDelay(() -> {
            long started = System.nanoTime();
            try {
                if (runOnce(job)) {
                    metrics.inc("brain_job_runs_total", "job", job.name());
                }
            } catch (RuntimeException e) {
                metrics.inc("brain_job_failures_total", "job", job.name());
                LOG.warn("{} failed, will retry: {}", job.name(), job.describe(e));
            } finally {
                last[0] = (System.nanoTime() - started) / 1e9;
            }
        }, firstDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One run now, if no other instance holds the job's lock; false when it did not run. */
    public boolean runOnce(Job job) {
        return locked(jdbi, job.lockKey(), h -> {
            Instant started = h.createQuery("select clock_timestamp()").mapTo(Instant.class).one();
            job.run(h);
            h.createUpdate(RECORD_RUN_SQL).bind("job", job.name()).bind("instance", INSTANCE).bind("started", started).execute();
            return true;
        }).orElse(false);
    }

    /** `work` on a handle holding the advisory lock `key`, or empty when another session holds it. */
    public static <T> Optional<T> locked(Jdbi jdbi, long key, Function<Handle, T> work) {
        return jdbi.withHandle(h -> {
            if (!h.createQuery("select pg_try_advisory_lock(:k)").bind("k", key).mapTo(Boolean.class).one()) {
                return Optional.empty();
            }
            try {
                return Optional.ofNullable(work.apply(h));
            } finally {
                h.createQuery("select pg_advisory_unlock(:k)").bind("k", key).mapTo(Boolean.class).one();
            }
        });
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
