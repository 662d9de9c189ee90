package dev.brain.sdk.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The bounded in-memory queue between the agent's threads and the SDK's spooling thread; full means drop the oldest. */
public final class EventBuffer {
    private final Event[] ring;
    private final AtomicLong dropped;
    private int head;
    private int size;

    public EventBuffer(int capacity, AtomicLong dropped) {
        this.ring = new Event[Math.max(1, capacity)];
        this.dropped = dropped;
    }

    /** Adds {@code e}; returns the new size. */
    public synchronized int add(Event e) {
        if (size == ring.length) {
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
            dropped.incrementAndGet();
        }
        ring[(head + size) % ring.length] = e;
        return ++size;
    }

    /** Removes up to {@code max} of the oldest events. */
    public synchronized List<Event> drain(int max) {
        int n = Math.min(max, size);
        List<Event> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(ring[head]);
            ring[head] = null;
            head = (head + 1) % ring.length;
        }
        size -= n;
        return out;
    }

    public synchronized int size() {
        return size;
    }
}
