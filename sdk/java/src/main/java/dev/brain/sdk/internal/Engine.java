package dev.brain.sdk.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The machinery behind a client: agent threads only {@link #enqueue} into a bounded buffer; one
 * daemon thread (the spooler) serializes events into the spool at least every flush interval,
 * another (the sender) sends the spool to the brain. Two threads so that a send that hangs (a
 * brain that accepts connections but never answers) never keeps recorded events off the disk.
 */
public final class Engine {
    private final Settings settings;
    private final Log log;
    private final AtomicLong dropped = new AtomicLong();
    private final EventBuffer buffer;
    private final Spool spool;
    private final SpoolWriter writer;
    private final Delivery delivery;
    private final String instanceId = "sdk_" + Long.toHexString(System.nanoTime() ^ Double.doubleToLongBits(Math.random()));
    private final long startedMillis = System.currentTimeMillis();
    private final Object progress = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Worker spooler;
    private final Worker sender;
    private final Thread shutdownHook;
    private volatile boolean accepting = true;
    private volatile boolean running = true;
    private long cyclesStarted;
    private long cyclesCompleted;
    private boolean backlog;

    public Engine(Settings settings) {
        this.settings = settings;
        this.log = settings.log;
        this.buffer = new EventBuffer(settings.bufferCapacity, dropped);
        this.spool = new Spool(settings.spoolDir, settings.spoolMaxBytes, settings.bufferCapacity, dropped, log);
        this.writer = new SpoolWriter(buffer, spool, settings.batchSize, dropped, log);
        this.delivery = new Delivery(settings.transport, spool, new Backoff(settings.maxBackoff), dropped, log);
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

    /**
     * Writes everything recorded so far to the spool on the calling thread, then waits at most
     * {@code timeoutNanos} for the sender to deliver it. True when nothing is left to send.
     */
    public boolean flush(long timeoutNanos) {
        long deadline = System.nanoTime() + Math.max(0, timeoutNanos);
        writer.drain();
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
                    if (delivery.backoffUntilNanos() - deadline > 0) {
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
        writer.drain();
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
                if (writer.drain() && now - delivery.backoffUntilNanos() >= 0) {
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
                if (System.nanoTime() - delivery.backoffUntilNanos() >= 0 && !delivery.sendSpool(() -> running)) {
                    running = false;
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
            long untilRetry = delivery.backoffUntilNanos() - System.nanoTime();
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


}
