package dev.brain.alerts;

import dev.brain.config.Alerting;
import dev.brain.metrics.Metrics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox: one thread per channel, so a hanging webhook holds back neither Slack nor ingest nor the rules.
 * A notification is leased before it is sent (another instance leaves it alone) and, per alert and channel, sent in
 * order. A 2xx delivers it; 5xx, 429, a timeout or a network error retry with exponential backoff and jitter until
 * BRAIN_ALERT_RETRY_FOR_S after it was queued; any other status fails it. No database connection is held while
 * sending. At shutdown an unfinished send is cancelled and its lease released, so the next start sends it.
 */
public final class Notifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
    private final OutboxDao dao;
    private final Alerting settings;
    private final Clock clock;
    private final Metrics metrics;
    private final OkHttpClient http;
    private final List<Worker> workers = new ArrayList<>();
    private volatile boolean running = true;

    Notifier(Jdbi jdbi, Alerting settings, Clock clock, Metrics metrics, List<String> channels) {
        this.dao = new OutboxDao(jdbi);
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.http = new OkHttpClient.Builder().callTimeout(settings.timeout()).connectTimeout(settings.timeout())
                .readTimeout(settings.timeout()).writeTimeout(settings.timeout()).retryOnConnectionFailure(false).build();
        metrics.describe(Outbox.METRIC, "Alert notifications by channel and outcome (delivered, retry, failed, dropped)");
        for (String channel : channels) {
            for (String outcome : List.of("delivered", "retry", "failed", "dropped")) {
                metrics.inc(Outbox.METRIC, 0, "channel", channel, "outcome", outcome);
            }
            Worker w = new Worker(channel);
            workers.add(w);
            w.thread.start();
        }
    }

    /** Looks at the outbox now instead of at the next poll. */
    public void wake() {
        workers.forEach(w -> java.util.concurrent.locks.LockSupport.unpark(w.thread));
    }

    private final class Worker implements Runnable {
        final String channel;
        final Thread thread;
        final AtomicReference<Call> inFlight = new AtomicReference<>();

        Worker(String channel) {
            this.channel = channel;
            this.thread = new Thread(this, "brain-alerts-" + channel);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                boolean sent = false;
                try {
                    sent = deliverOne(this);
                } catch (RuntimeException e) {
                    LOG.warn("alert delivery ({}) could not reach the outbox, will retry: {}", channel, e.toString());
                }
                if (!sent && running) {
                    java.util.concurrent.locks.LockSupport.parkNanos(settings.poll().toNanos());
                }
            }
        }
    }

    private boolean deliverOne(Worker w) {
        Instant now = clock.instant();
        // The lease outlives any one send (timeout), so another instance takes it over only after a crash.
        Optional<OutboxDao.Claimed> claimed = dao.claim(w.channel, now, now.plus(settings.timeout().multipliedBy(2)).plusSeconds(1));
        if (claimed.isEmpty()) {
            return false;
        }
        OutboxDao.Claimed n = claimed.get();
        String url = Outbox.CHANNEL_SLACK.equals(w.channel) ? settings.slackUrl() : settings.webhookUrl();
        var request = new Request.Builder().url(url).post(RequestBody.create(n.body(), JSON))
                .header("User-Agent", "brain-alerts").header("X-Brain-Delivery", Long.toString(n.id()))
                .header("X-Brain-Alert", Long.toString(n.alertId())).header("X-Brain-Event", n.kind());
        if (Outbox.CHANNEL_WEBHOOK.equals(w.channel) && !settings.webhookSecret().isEmpty()) {
            request.header("X-Brain-Signature", Signature.sign(settings.webhookSecret(), n.body()));
        }
        Call call = http.newCall(request.build());
        w.inFlight.set(call);
        int status;
        String error;
        try (Response r = call.execute()) {
            status = r.code();
            error = r.isSuccessful() ? null : "HTTP " + status;
        } catch (IOException e) {
            status = -1;
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } finally {
            w.inFlight.set(null);
        }
        if (!running && status < 0) {
            dao.release(n);
            return false;
        }
        Instant after = clock.instant();
        if (status >= 200 && status < 300) {
            dao.delivered(n, after);
            metrics.inc(Outbox.METRIC, "channel", w.channel, "outcome", "delivered");
            return true;
        }
        boolean retryable = status < 0 || status == 429 || status >= 500;
        Instant next = after.plus(backoff(n.attempts()));
        if (retryable && !next.isAfter(n.createdAt().plus(settings.retryFor()))) {
            dao.retry(n, next, error);
            metrics.inc(Outbox.METRIC, "channel", w.channel, "outcome", "retry");
        } else {
            dao.failed(n, error);
            metrics.inc(Outbox.METRIC, "channel", w.channel, "outcome", "failed");
            LOG.warn("alert notification {} ({} of alert {}) to {} failed for good: {}", n.id(), n.kind(), n.alertId(), w.channel, error);
        }
        return true;
    }

    // base x 2^(attempts-1), at most 10 minutes, with ±20% jitter so instances do not retry in step.
    private Duration backoff(int attempts) {
        long base = settings.retryBase().toMillis();
        long ms = Math.min(MAX_BACKOFF.toMillis(), base << Math.min(20, Math.max(0, attempts - 1)));
        return Duration.ofMillis((long) (ms * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
    }

    /** Stops the workers; a send still running after a short grace is cancelled and its lease released. */
    @Override
    public void close() {
        running = false;
        wake();
        long deadline = System.nanoTime() + Math.min(settings.timeout().toNanos(), Duration.ofSeconds(2).toNanos());
        for (Worker w : workers) {
            try {
                w.thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                Call c = w.inFlight.get();
                if (c != null) {
                    c.cancel();
                }
                w.thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
