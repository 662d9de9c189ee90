package dev.brain.ingest;

import dev.brain.config.Config;
import java.time.Duration;

/** How long a body may take to arrive, how many ingest requests may be in flight, how many body bytes held. */
public record IngestLimits(Duration bodyTimeout, int concurrency, int concurrencyPerKey, long bufferBytes) {
    public static IngestLimits of(Config c) {
        return new IngestLimits(c.bodyTimeout(), c.ingestConcurrency(), c.ingestConcurrencyPerKey(), c.ingestBufferBytes());
    }
}
