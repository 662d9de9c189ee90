package dev.brain.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;

/** A validated event, ready to store. */
public record Envelope(UUID eventId, Instant ts, String eventType, String sessionId, ObjectNode payload) {
}
