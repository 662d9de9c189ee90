package dev.brain.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brain.error.InvalidEvent;
import dev.brain.ingest.EventValidator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * POST /api/v1/transcript {sessionId, hostId, transcript: [{role, content, index}]} → a session.update whose
 * summary_raw is the transcript's lines in index order ("role: content"), cut to the summary limit. Upsert: a
 * repeated identical transcript is a duplicate; a changed one is a newer update of the same session.
 */
final class Transcripts {
    private Transcripts() {
    }

    static ObjectNode envelope(ObjectMapper json, JsonNode body, String agentId, Instant now) {
        String session = body.path("sessionId").isTextual() ? body.get("sessionId").asText() : "";
        if (session.isEmpty()) {
            throw new InvalidEvent("missing_field", "sessionId is required");
        }
        if (!body.path("hostId").isTextual()) {
            throw new InvalidEvent("missing_field", "hostId is required");
        }
        JsonNode lines = body.get("transcript");
        if (lines == null || !lines.isArray()) {
            throw new InvalidEvent("missing_field", "transcript must be an array of {role, content, index}");
        }
        List<JsonNode> sorted = new ArrayList<>();
        for (JsonNode line : lines) {
            if (!line.isObject() || !line.path("role").isTextual() || !line.path("content").isTextual() || !line.path("index").isNumber()) {
                throw new InvalidEvent("invalid_field", "each transcript entry must be {role: string, content: string, index: number}");
            }
            sorted.add(line);
        }
        sorted.sort(Comparator.comparingDouble(l -> l.get("index").asDouble()));
        StringBuilder text = new StringBuilder();
        for (JsonNode line : sorted) {
            text.append(text.length() == 0 ? "" : "\n").append(line.get("role").asText()).append(": ").append(line.get("content").asText());
        }
        String summary = cut(text.toString(), EventValidator.MAX_SUMMARY);
        ObjectNode env = json.createObjectNode();
        env.put("event_id", UUID.nameUUIDFromBytes(("transcript:" + agentId + "\n" + session + "\n" + text)
                .getBytes(StandardCharsets.UTF_8)).toString());
        env.put("ts", now.toString()).put("event_type", "session.update").put("session_id", session);
        env.set("payload", json.createObjectNode().put("summary_raw", summary).put("source", "collector_transcript"));
        return env;
    }

    // At most `max` code points, never splitting a surrogate pair.
    private static String cut(String s, int max) {
        return s.codePointCount(0, s.length()) <= max ? s : s.substring(0, s.offsetByCodePoints(0, max));
    }
}
