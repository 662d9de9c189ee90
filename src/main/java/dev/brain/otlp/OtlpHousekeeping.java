package dev.brain.otlp;

import dev.brain.schedule.Job;
import org.jdbi.v3.core.Handle;

/** Forgets the ids of OTLP points and records counted more than two days ago (a Job, under its advisory lock). */
public final class OtlpHousekeeping implements Job {
    private static final long LOCK_KEY = 0x62726169_6e0071a0L;

    @Override
    public String name() {
        return "otlp-housekeeping";
    }

    @Override
    public long lockKey() {
        return LOCK_KEY;
    }

    @Override
    public void run(Handle h) {
        UsageStore.prune(h);
    }
}
