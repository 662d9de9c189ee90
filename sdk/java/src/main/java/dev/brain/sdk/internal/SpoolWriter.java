package dev.brain.sdk.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Moves buffered events into the spool: each serialized once, an event that cannot be is dropped and counted. */
final class SpoolWriter {
    private final EventBuffer buffer;
    private final Spool spool;
    private final int batchSize;
    private final AtomicLong dropped;
    private final Log log;

    SpoolWriter(EventBuffer buffer, Spool spool, int batchSize, AtomicLong dropped, Log log) {
        this.buffer = buffer;
        this.spool = spool;
        this.batchSize = batchSize;
        this.dropped = dropped;
        this.log = log;
    }

    /** Moves every buffered event into the spool, serialized, in batches within the brain's limits; true if any. */
    synchronized boolean drain() {
        boolean any = false;
        List<Event> events;
        while (!(events = buffer.drain(batchSize)).isEmpty()) {
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
}
