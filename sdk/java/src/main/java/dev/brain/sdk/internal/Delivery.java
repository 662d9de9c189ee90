package dev.brain.sdk.internal;

import dev.brain.sdk.Transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The sender thread's work: sends spooled batches to the brain, one request each, and reads the
 * answer: delivered, refused for good (dropped), or retry later after a backoff.
 */
final class Delivery {
    private final Transport transport;
    private final Spool spool;
    private final Backoff backoff;
    private final AtomicLong dropped;
    private final Log log;
    private volatile long backoffUntilNanos;
    private boolean interrupted;

    Delivery(Transport transport, Spool spool, Backoff backoff, AtomicLong dropped, Log log) {
        this.transport = transport;
        this.spool = spool;
        this.backoff = backoff;
        this.dropped = dropped;
        this.log = log;
    }

    /**
     * Sends the spool, oldest batch first, until it is empty, a batch must wait (backoff), or
     * {@code running} turns false between files. False when the thread was interrupted: stop sending.
     */
    boolean sendSpool(BooleanSupplier running) {
        for (Path file : spool.list()) {
            Spool.Batch batch = spool.claim(file);
            if (batch != null && !deliver(batch)) {
                return !interrupted;
            }
            if (!running.getAsBoolean()) {
                return !interrupted;
            }
        }
        Spool.Batch batch;
        while ((batch = spool.claimFromMemory()) != null) {
            if (!deliver(batch)) {
                return !interrupted;
            }
        }
        return !interrupted;
    }

    /** When sending may resume after a refusal or failure; in the past when it may now. */
    long backoffUntilNanos() {
        return backoffUntilNanos;
    }

    /** Sends one batch; false when sending should pause (backoff). */
    private boolean deliver(Spool.Batch batch) {
        Transport.Response response;
        try {
            response = transport.send(body(batch.envelopes()));
        } catch (InterruptedException e) {
            spool.release(batch);
            Thread.currentThread().interrupt();
            interrupted = true;
            return false;
        } catch (IOException | RuntimeException e) {
            spool.release(batch);
            pause(backoff.nextDelayMillis(-1));
            log.debug("brain unreachable, will retry: " + e);
            return false;
        }
        int status = response.status();
        if (status >= 200 && status < 300) {
            if (status == 207) {
                logRejections(response.body());
            }
            spool.complete(batch);
            backoff.reset();
            return true;
        }
        if (status == 401 || status == 403 || status == 404) {
            spool.release(batch);
            pause(backoff.maxMillis());
            log.error("the brain answered " + status + " (check BRAIN_API_KEY and BRAIN_ENDPOINT); events stay in the spool", null);
            return false;
        }
        if (status < 400 || status == 408 || status == 425 || status == 429 || status >= 500) {
            spool.release(batch);
            pause(backoff.nextDelayMillis(response.retryAfterSeconds()));
            log.debug("the brain answered " + status + ", will retry");
            return false;
        }
        spool.complete(batch);
        dropped.addAndGet(batch.envelopes().size());
        log.error("the brain refused a batch of " + batch.envelopes().size() + " events with " + status + ": "
                + abbreviate(response.body()) + "; dropped", null);
        return true;
    }

    private void pause(long millis) {
        backoffUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private void logRejections(String body) {
        try {
            Object parsed = JsonReader.parse(body);
            Object rejected = parsed instanceof Map ? ((Map<?, ?>) parsed).get("rejected") : null;
            if (rejected instanceof List) {
                for (Object r : (List<?>) rejected) {
                    if (r instanceof Map) {
                        Map<?, ?> m = (Map<?, ?>) r;
                        log.warn("the brain rejected event " + m.get("event_id") + " (" + m.get("code") + "): "
                                + m.get("message"), null);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("the brain rejected some events: " + abbreviate(body), null);
        }
    }

    private static byte[] body(List<byte[]> envelopes) {
        int size = 64;
        for (byte[] e : envelopes) {
            size += e.length + 1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes("{\"events\":[".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < envelopes.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(envelopes.get(i));
        }
        out.writeBytes(("],\"sent_at\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
