package dev.brain.sdk.internal;

/** One recorded event, waiting in memory. Its id is minted when it is serialized to the spool. */
public final class Event {
    final String type;
    final String sessionId;
    final long timestampMillis;
    final Payload payload;

    public Event(String type, String sessionId, long timestampMillis, Payload payload) {
        this.type = type;
        this.sessionId = sessionId;
        this.timestampMillis = timestampMillis;
        this.payload = payload;
    }
}
