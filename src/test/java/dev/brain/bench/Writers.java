package dev.brain.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** N threads writing batches as fast as they can; counts what they wrote while the clock ran. */
final class Writers {

    /** One thread's writer: writes a batch, returns how many rows it stored. */
    interface Batch {
        int write() throws Exception;
    }

    /** A thread's writer, built on that thread (a connection, a statement). */
    interface Factory {
        Batch open(int thread) throws Exception;
    }

    static IngestBench.JdbcResult run(int threads, int warmup, int seconds, Factory factory) throws Exception {
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        AtomicLong written = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int thread = i;
            Thread t = new Thread(() -> {
                try {
                    Batch batch = factory.open(thread);
                    while (!stop.get()) {
                        int n = batch.write();
                        if (measuring.get()) {
                            written.addAndGet(n);
                        }
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                    throw new IllegalStateException(e);
                }
            });
            workers.add(t);
            t.start();
        }
        Thread.sleep(warmup * 1000L);
        IngestBench.Cpu before = IngestBench.cpu(-1);
        long t0 = System.nanoTime();
        measuring.set(true);
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        IngestBench.Cpu after = IngestBench.cpu(-1);
        stop.set(true);
        for (Thread t : workers) {
            t.join();
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " writer(s) failed");
        }
        return new IngestBench.JdbcResult(written.get() / elapsed,
                new IngestBench.Cpu(0, after.postgresSince(before) / elapsed, (after.self() - before.self()) / elapsed, 0, 0));
    }

    private Writers() {
    }
}
