package dev.brain.sdk.internal;

/** The brain's limits (SPEC §4.2), enforced here so the brain never has to reject our events. */
public final class Limits {
    public static final int SHORT_STRING = 128;
    public static final int MESSAGE = 2000;
    public static final int SUMMARY = 4000;
    public static final int TOOL_CALLS = 1000;
    public static final int BATCH_EVENTS = 500;
    /** Payload cap is 32 KiB; keep a margin for the brain's own re-encoding. */
    public static final int PAYLOAD_BYTES = 31 * 1024;
    /** Body cap is 1 MiB on the wire; an uncompressed batch this size gzips well below it. */
    public static final int BATCH_BYTES = 900 * 1024;
    /** Upper bounds of the brain's numbers: duration_ms and tool ms, tokens and cost per entry, heartbeat counts. */
    public static final long DURATION_MS = 366L * 24 * 3600 * 1000;
    public static final long TOKENS = 1_000_000_000_000L;
    public static final double COST_CENTS = 1_000_000_000d;
    public static final long UPTIME_S = 1_000_000_000L;
    public static final long DROPPED = 1_000_000_000_000L;

    private Limits() {
    }

    /** v within 0..max: the brain refuses a negative or larger number, and with it the whole event. */
    public static long clamp(long v, long max) {
        return Math.max(0, Math.min(max, v));
    }

    /** The cap for a well-known top-level payload string, or -1 for none. */
    public static int forField(String name) {
        switch (name) {
            case "category":
            case "source":
            case "kind":
            case "model":
            case "agent_version":
            case "status":
                return SHORT_STRING;
            case "message":
            case "failure_reason":
                return MESSAGE;
            case "summary_raw":
                return SUMMARY;
            default:
                return -1;
        }
    }
}
