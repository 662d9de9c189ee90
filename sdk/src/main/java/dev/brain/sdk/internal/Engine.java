package dev.brain.sdk.internal;

import dev.brain.sdk.Transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The machinery behind a client: agent threads only {@link #enqueue} into a bounded buffer; one
 * daemon thread (the spooler) serializes events into the spool at least every flush interval,
 * another (the sender) sends the spool to the brain. Two threads so that a send that hangs (a
 * brain that accepts connections but never answers) never keeps recorded events off the disk.
 */
public final class Engine {
    private final Settings settings;
    private final Log log;
    private final Transport transport;
    private final AtomicLong dropped = new AtomicLong();
    private final EventBuffer buffer;
    private final Spool spool;
    private final Backoff backoff;
    private final String instanceId = "sdk_" + Long.toHexString(System.nanoTime() ^ Double.doubleToLongBits(Math.random()));
    private final long startedMillis = System.currentTimeMillis();
    private final Object storeLock = new Object();
    private final Object progress = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Worker spooler;
    private final Worker sender;
    private final Thread shutdownHook;
    private volatile boolean accepting = true;
    private volatile boolean running = true;
    private volatile long backoffUntilNanos;
    private long cyclesStarted;
    private long cyclesCompleted;
    private boolean backlog;

    public Engine(Settings settings) {
        this.settings = settings;
        this.log = settings.log;
        this.transport = settings.transport;
        this.buffer = new EventBuffer(settings.bufferCapacity, dropped);
        this.spool = new Spool(settings.spoolDir, settings.spoolMaxBytes, settings.bufferCapacity, dropped, log);
        this.backoff = new Backoff(settings.maxBackoff);
        this.spooler = new Worker(this::spoolLoop, "brain-sdk-spooler");
        this.sender = new Worker(this::sendLoop, "brain-sdk-sender");
        this.shutdownHook = settings.shutdownHook ? new Thread(this::close, "brain-sdk-shutdown") : null;
    }

    public void start() {
        spooler.thread.start();
        sender.thread.start();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().addShutdownHook(shutdownHook);
            } catch (IllegalStateException | SecurityException e) {
                log.warn("cannot register the shutdown hook", e);
            }
        }
    }

    /** Called on agent threads: a few dozen nanoseconds, no I/O, never blocks on the network. */
    public void enqueue(Event e) {
        if (!accepting) {
            return;
        }
        if (buffer.add(e) % settings.batchSize == 0) {
            spooler.wake();
        }
    }

    public String instanceId() {
        return instanceId;
    }

    /** Events dropped so far and not yet reported in a heartbeat. */
    public long droppedSinceLastHeartbeat() {
        return dropped.get();
    }

    /**
     * Writes everything recorded so far to the spool on the calling thread, then waits at most
     * {@code timeoutNanos} for the sender to deliver it. True when nothing is left to send.
     */
    public boolean flush(long timeoutNanos) {
        long deadline = System.nanoTime() + Math.max(0, timeoutNanos);
        drainToSpool();
        if (!sender.thread.isAlive() || sender.isCurrent() || spooler.isCurrent()) {
            return false;
        }
        long target;
        synchronized (progress) {
            target = cyclesStarted + 1;
        }
        sender.wake();
        synchronized (progress) {
            while (true) {
                if (cyclesCompleted >= target) {
                    if (!backlog && buffer.size() == 0) {
                        return true;
                    }
                    if (backoffUntilNanos - deadline > 0) {
                        return false;
                    }
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || !sender.thread.isAlive()) {
                    return false;
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    /** Flushes for at most the shutdown timeout, stops both threads, and spools what is left. Idempotent. */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (dropped.get() > 0) {
            enqueueHeartbeat();
        }
        boolean delivered = flush(settings.shutdownTimeout.toNanos());
        accepting = false;
        running = false;
        spooler.wake();
        sender.wake();
        long joinDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250);
        spooler.join(joinDeadline);
        sender.join(joinDeadline);
        if (sender.thread.isAlive()) {
            sender.thread.interrupt();
            sender.join(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250));
        }
        drainToSpool();
        if (!delivered) {
            log.info("closed with events left in the spool; the next start sends them");
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException | SecurityException e) {
                log.debug("shutdown hook not removed: " + e);
            }
        }
    }

    /** Moves the buffer into the spool every flush interval or when a batch is full; never touches the network. */
    private void spoolLoop() {
        long interval = settings.flushInterval.toNanos();
        long heartbeatEvery = settings.heartbeatInterval.toNanos();
        long nextFlush = System.nanoTime() + interval;
        long nextHeartbeat = System.nanoTime() + heartbeatEvery;
        while (running) {
            spooler.beginCycle();
            try {
                long now = System.nanoTime();
                if (heartbeatEvery > 0 && now - nextHeartbeat >= 0) {
                    enqueueHeartbeat();
                    nextHeartbeat = now + heartbeatEvery;
                }
                if (drainToSpool() && now - backoffUntilNanos >= 0) {
                    sender.wake();
                }
            } catch (Throwable t) {
                log.error("unexpected failure in the spooler; continuing", t);
            }
            long now = System.nanoTime();
            if (now - nextFlush >= 0) {
                nextFlush = now + interval;
            }
            long wait = nextFlush - now;
            if (heartbeatEvery > 0) {
                wait = Math.min(wait, nextHeartbeat - now);
            }
            if (running) {
                spooler.park(wait);
            }
        }
    }

    /** Sends the spool when woken (new batch, flush), after a backoff, and every flush interval. */
    private void sendLoop() {
        long interval = settings.flushInterval.toNanos();
        while (running) {
            long cycle;
            sender.beginCycle();
            synchronized (progress) {
                cycle = ++cyclesStarted;
            }
            boolean more = true;
            try {
                if (System.nanoTime() - backoffUntilNanos >= 0) {
                    sendSpool();
                }
                more = spool.hasBacklog();
            } catch (Throwable t) {
                log.error("unexpected failure in the sender; continuing", t);
            }
            synchronized (progress) {
                cyclesCompleted = cycle;
                backlog = more;
                progress.notifyAll();
            }
            long wait = interval;
            long untilRetry = backoffUntilNanos - System.nanoTime();
            if (more && untilRetry > 0) {
                wait = Math.min(wait, untilRetry);
            }
            if (running) {
                sender.park(wait);
            }
        }
    }

    private void enqueueHeartbeat() {
        long uptime = ProcessHandle.current().info().startInstant()
                .map(start -> (System.currentTimeMillis() - start.toEpochMilli()) / 1000)
                .orElse((System.currentTimeMillis() - startedMillis) / 1000);
        long count = dropped.getAndSet(0);
        buffer.add(new Event("heartbeat", instanceId, System.currentTimeMillis(),
                Payloads.heartbeat(settings.agentVersion, uptime, count)));
    }

    /** Moves every buffered event into the spool, serialized, in batches within the brain's limits; true if any. */
    private boolean drainToSpool() {
        synchronized (storeLock) {
            boolean any = false;
            List<Event> events;
            while (!(events = buffer.drain(settings.batchSize)).isEmpty()) {
                any = true;
                List<byte[]> batch = new ArrayList<>(events.size());
                int bytes = 0;
                for (Event e : events) {
                    byte[] line = serialize(e);
                    if (line == null) {
                        continue;
                    }
                    if (!batch.isEmpty() && bytes + line.length > Limits.BATCH_BYTES) {
                        spool.store(batch);
                        batch = new ArrayList<>(events.size());
                        bytes = 0;
                    }
                    batch.add(line);
                    bytes += line.length + 1;
                }
                spool.store(batch);
            }
            return any;
        }
    }

    private byte[] serialize(Event e) {
        try {
            String json = Envelopes.toJson(e, UUID.randomUUID());
            if (json != null) {
                return json.getBytes(StandardCharsets.UTF_8);
            }
            log.warn("dropped a " + e.type + " event: its payload does not fit the brain's 32 KiB limit", null);
        } catch (RuntimeException | StackOverflowError failure) {
            log.warn("dropped a " + e.type + " event that could not be serialized", failure);
        }
        dropped.incrementAndGet();
        return null;
    }

    private void sendSpool() {
        for (Path file : spool.list()) {
            Spool.Batch batch = spool.claim(file);
            if (batch != null && !deliver(batch)) {
                return;
            }
            if (!running) {
                return;
            }
        }
        Spool.Batch batch;
        while ((batch = spool.claimFromMemory()) != null) {
            if (!deliver(batch)) {
                return;
            }
        }
    }

    /** Sends one batch; false when sending should pause (backoff). */
    private boolean deliver(Spool.Batch batch) {
        Transport.Response response;
        try {
            response = transport.send(body(batch.envelopes()));
        } catch (InterruptedException e) {
            spool.release(batch);
            Thread.currentThread().interrupt();
            running = false;
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

    /** A daemon thread that parks until woken or a deadline passes. */
    private static final class Worker {
        final Thread thread;
        // A flag, not just unpark: code the thread calls (the HTTP client) may park too and eat the permit.
        private volatile boolean wakeRequested;

        Worker(Runnable body, String name) {
            this.thread = new Thread(body, name);
            this.thread.setDaemon(true);
        }

        void wake() {
            wakeRequested = true;
            LockSupport.unpark(thread);
        }

        /** Called before a cycle's work, so a wake during the work starts another cycle at once. */
        void beginCycle() {
            wakeRequested = false;
        }

        void park(long nanos) {
            if (nanos > 0 && !wakeRequested) {
                LockSupport.parkNanos(this, nanos);
            }
        }

        boolean isCurrent() {
            return Thread.currentThread() == thread;
        }

        void join(long deadlineNanos) {
            try {
                long millis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                if (millis > 0) {
                    thread.join(millis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
