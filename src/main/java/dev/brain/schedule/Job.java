package dev.brain.schedule;

import org.jdbi.v3.core.Handle;

/** Work that runs on one brain instance at a time: the scheduler holds the job's advisory lock around {@link #run}. */
public interface Job {
    /** A short stable name: the metric label and the log's word for it. */
    String name();

    /** The PostgreSQL advisory-lock key, shared by every instance running this job. */
    long lockKey();

    /** One run, on a handle that holds the lock. Throws whatever went wrong; the scheduler logs and counts it. */
    void run(Handle h);

    /** How a failure reads in the log; a job whose errors can quote data overrides it to leave the data out. */
    default String describe(RuntimeException e) {
        return e.toString();
    }
}
