package dev.brain.redact;

import dev.brain.error.RedactionFailed;
import dev.brain.metrics.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Redaction off the ingest path: a bounded queue drained by a fixed pool of workers. Ingest first
 * reserves a slot (so a full queue is known before the event is written and the event is stored
 * already marked failed), then submits the job once the row exists. No customer holds more than
 * its share of the slots, and workers take customers in turn, so one customer's flood neither
 * fills the queue nor delays the others' summaries behind its backlog. A raw text lives only in a
 * job in memory (tiers b and c-off), so a crash loses it; shutdown drains for a bounded time and
 * marks the rest failed.
 */
public final class RedactionQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedactionQueue.class);

    /** One summary to redact, and which event's row gets the result. */
    public record Job(UUID eventId, Instant ts, String customerId, String agentId, String raw) {
        @Override
        public String toString() {
            return "Job[" + eventId + "]";
        }
    }

    private final Redactor redactor;
    private final SummaryStore store;
    private final Metrics metrics;
    private final int size;
    private final int perCustomer;
    private final ThreadPoolExecutor workers;
    private final java.util.Set<Job> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    // Guards the slot counts and the waiting jobs.
    private final Object lock = new Object();
    private int held;
    private final Map<String, Integer> heldBy = new HashMap<>();
    // Customers with jobs waiting, in the order workers serve them; a served customer goes to the back.
    private final LinkedHashMap<String, ArrayDeque<Job>> waiting = new LinkedHashMap<>();

    public RedactionQueue(Redactor redactor, SummaryStore store, Metrics metrics, int concurrency, int queueSize, int perCustomer) {
        this.redactor = redactor;
        this.store = store;
        this.metrics = metrics;
        this.size = queueSize;
        this.perCustomer = perCustomer;
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

    /** Reserves a slot for the customer; false when the queue is full or the customer holds its share. */
    public boolean reserve(String customerId) {
        synchronized (lock) {
            int mine = heldBy.getOrDefault(customerId, 0);
            if (held >= size || mine >= perCustomer) {
                return false;
            }
            heldBy.put(customerId, mine + 1);
            held++;
            return true;
        }
    }

    public void release(String customerId, int slots) {
        if (slots <= 0) {
            return;
        }
        synchronized (lock) {
            int left = heldBy.getOrDefault(customerId, 0) - slots;
            if (left > 0) {
                heldBy.put(customerId, left);
            } else {
                heldBy.remove(customerId);
            }
            held -= slots;
        }
    }

    /** Submits a job whose slot was reserved. */
    public void submit(Job job) {
        synchronized (lock) {
            waiting.computeIfAbsent(job.customerId(), c -> new ArrayDeque<>()).add(job);
        }
        try {
            // One task per job: each takes whichever job is next in turn, not necessarily this one.
            workers.execute(new Task());
        } catch (java.util.concurrent.RejectedExecutionException e) {
            if (unqueue(job)) {
                fail(job, "shutdown");
                release(job.customerId(), 1);
            }
        }
    }

    public int depth() {
        synchronized (lock) {
            return held;
        }
    }

    private Job next() {
        synchronized (lock) {
            var first = waiting.entrySet().iterator();
            if (!first.hasNext()) {
                return null;
            }
            var entry = first.next();
            Job job = entry.getValue().poll();
            first.remove();
            if (!entry.getValue().isEmpty()) {
                waiting.put(entry.getKey(), entry.getValue());
            }
            return job;
        }
    }

    private boolean unqueue(Job job) {
        synchronized (lock) {
            ArrayDeque<Job> jobs = waiting.get(job.customerId());
            boolean removed = jobs != null && jobs.remove(job);
            if (jobs != null && jobs.isEmpty()) {
                waiting.remove(job.customerId());
            }
            return removed;
        }
    }

    private List<Job> unqueueAll() {
        synchronized (lock) {
            List<Job> all = new ArrayList<>();
            waiting.values().forEach(all::addAll);
            waiting.clear();
            return all;
        }
    }

    public void count(String outcome) {
        metrics.inc("brain_redactions_total", "outcome", outcome);
    }

    private final class Task implements Runnable {
        @Override
        public void run() {
            MDC.clear();
            Job job = next();
            if (job == null) {
                return;
            }
            running.add(job);
            try {
                String redacted = redactor.redact(job.raw());
                store.redacted(job, redacted);
                count("ok");
            } catch (RedactionFailed e) {
                LOG.warn("redaction of event {} failed: {}", job.eventId(), e.getMessage());
                fail(job, e.outcome());
            } catch (RuntimeException e) {
                LOG.warn("storing the redaction of event {} failed: {}", job.eventId(), e.getClass().getSimpleName());
                count("failed");
            } finally {
                running.remove(job);
                release(job.customerId(), 1);
            }
        }
    }

    private void fail(Job job, String outcome) {
        count(outcome);
        // A worker interrupted by shutdown must still be able to write the mark.
        boolean interrupted = Thread.interrupted();
        try {
            store.failed(job);
        } catch (RuntimeException e) {
            LOG.warn("could not mark event {} summary_failed: {}", job.eventId(), e.getClass().getSimpleName());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Lets queued work finish within `grace`; what is left is marked failed (raw text dropped for tier b). */
    public void close(Duration grace) {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
                redactor.cancelAll();
                List<Job> left = unqueueAll();
                for (Job job : left) {
                    fail(job, "failed");
                    release(job.customerId(), 1);
                }
                if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
                    // A call that ignores cancellation: mark its event from here, before the pool closes.
                    running.forEach(job -> fail(job, "failed"));
                }
                LOG.info("shutdown: {} queued summaries not redacted in time were marked summary_failed", left.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            redactor.close();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
