package dev.brain.sdk.internal;

import dev.brain.sdk.Transport;

import java.nio.file.Path;
import java.time.Duration;

/** Validated settings, as the builder hands them to the engine. */
public final class Settings {
    public final Transport transport;
    public final Log log;
    public final Path spoolDir;
    public final long spoolMaxBytes;
    public final int bufferCapacity;
    public final int batchSize;
    public final Duration flushInterval;
    public final Duration heartbeatInterval;
    public final Duration shutdownTimeout;
    public final boolean shutdownHook;
    public final String agentVersion;
    public final Duration maxBackoff;

    public Settings(Transport transport, Log log, Path spoolDir, long spoolMaxBytes, int bufferCapacity,
                    int batchSize, Duration flushInterval, Duration heartbeatInterval, Duration shutdownTimeout,
                    boolean shutdownHook, String agentVersion, Duration maxBackoff) {
        this.transport = transport;
        this.log = log;
        this.spoolDir = spoolDir;
        this.spoolMaxBytes = spoolMaxBytes;
        this.bufferCapacity = bufferCapacity;
        this.batchSize = batchSize;
        this.flushInterval = flushInterval;
        this.heartbeatInterval = heartbeatInterval;
        this.shutdownTimeout = shutdownTimeout;
        this.shutdownHook = shutdownHook;
        this.agentVersion = agentVersion;
        this.maxBackoff = maxBackoff;
    }
}
