package dev.brain.otlp;

import dev.brain.error.InvalidEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The wire contract's time window for records: at most an hour ahead, not older than the retention horizon. */
final class Timestamps {
    private static final Duration MAX_FUTURE = Duration.ofHours(1);
    private final Clock clock;
    private final Duration retention;

    Timestamps(Clock clock, Duration retention) {
        this.clock = clock;
        this.retention = retention;
    }

    /** Nanoseconds since the epoch as an instant within the window; 0 (unset) means now. */
    Instant check(long unixNano) {
        Instant now = clock.instant();
        if (unixNano == 0) {
            return now;
        }
        if (unixNano < 0) {
            throw new InvalidEvent("invalid_ts", "the record's time is before 1970");
        }
        Instant ts = Instant.ofEpochSecond(0, unixNano);
        if (ts.isAfter(now.plus(MAX_FUTURE))) {
            throw new InvalidEvent("ts_in_future", "the record's time is more than 1 hour in the future");
        }
        if (ts.isBefore(now.minus(retention))) {
            throw new InvalidEvent("ts_too_old", "the record's time is older than the retention horizon (" + retention.toDays() + " days)");
        }
        return ts;
    }
}
