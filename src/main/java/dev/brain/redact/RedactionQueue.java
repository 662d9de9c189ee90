package dev.brain.redact;

import dev.brain.http.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redaction off the ingest path: a bounded queue drained by a fixed pool of workers. Ingest first
 * reserves a slot (so a full queue is known before the event is written and the event is stored
 * already marked failed), then submits the job once the row exists. A raw text lives only in a
 * job in memory (tiers b and c-off), so a crash loses it; shutdown drains for a bounded time and
 * marks the rest failed.
 */
public final class RedactionQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedactionQueue.class);

    /** One summary to redact; `keepRaw` is true for Tier C (switch on), where the raw text is also stored. */
    public record Job(UUID eventId, Instant ts, String customerId, boolean keepRaw, String raw) {
        @Override
        public String toString() {
            return "Job[" + eventId + "]";
        }
    }

    private final Redactor redactor;
    private final SummaryStore store;
    private final Metrics metrics;
    private final Semaphore capacity;
    private final int size;
    private final ThreadPoolExecutor workers;

    public RedactionQueue(Redactor redactor, SummaryStore store, Metrics metrics, int concurrency, int queueSize) {
        this.redactor = redactor;
        this.store = store;
        this.metrics = metrics;
        this.capacity = new Semaphore(queueSize);
        this.size = queueSize;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "brain-redact-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        metrics.describe("brain_redactions_total", "Summary redactions by outcome");
        metrics.describe("brain_redaction_queue_depth", "Summaries reserved or waiting for redaction");
        metrics.gauge("brain_redaction_queue_depth", this::depth);
    }

    /** Reserves a slot; false when the queue is full. */
    public boolean reserve() {
        return capacity.tryAcquire();
    }

    public void release(int slots) {
        if (slots > 0) {
            capacity.release(slots);
        }
    }

    /** Submits a job whose slot was reserved. */
    public void submit(Job job) {
        try {
            workers.execute(new Task(job));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            fail(job, "shutdown");
            capacity.release();
        }
    }

    public int depth() {
        return size - capacity.availablePermits();
    }

    public void counted(String outcome) {
        metrics.inc("brain_redactions_total", "outcome", outcome);
    }

    private final class Task implements Runnable {
        final Job job;

        Task(Job job) {
            this.job = job;
        }

        @Override
        public void run() {
            try {
                String redacted = redactor.redact(job.raw());
                store.redacted(job, redacted);
                counted("ok");
            } catch (RedactionException e) {
                LOG.warn("redaction of event {} failed: {}", job.eventId(), e.getMessage());
                fail(job, e.outcome());
            } catch (RuntimeException e) {
                LOG.warn("storing the redaction of event {} failed: {}", job.eventId(), e.getClass().getSimpleName());
                counted("failed");
            } finally {
                capacity.release();
            }
        }
    }

    private void fail(Job job, String outcome) {
        counted(outcome);
        try {
            store.failed(job);
        } catch (RuntimeException e) {
            LOG.warn("could not mark event {} summary_failed: {}", job.eventId(), e.getClass().getSimpleName());
        }
    }

    /** Lets queued work finish within `grace`; what is left is marked failed (raw text dropped for tier b). */
    public void close(Duration grace) {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                List<Runnable> left = workers.shutdownNow();
                for (Runnable r : left) {
                    fail(((Task) r).job, "failed");
                    capacity.release();
                }
                workers.awaitTermination(2, TimeUnit.SECONDS);
                LOG.info("shutdown: {} summaries not redacted in time were marked summary_failed", left.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
