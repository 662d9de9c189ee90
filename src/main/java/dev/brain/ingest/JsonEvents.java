package dev.brain.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brain.error.BadRequest;
import dev.brain.error.InvalidEvent;
import java.io.IOException;
import java.util.UUID;

/**
 * Our wire format (SPEC §4): one event, or {"events": [...]}, decoded into an {@link IngestService.Batch}.
 * The body is walked token by token and a batch's events are built, validated and handed over one at a time,
 * so a request holds its body, one bounded event tree and the rows taken so far, never a tree of the whole body.
 */
public final class JsonEvents {
    public static final int MAX_BATCH = 500;
    // Every JSON token serialises to at least one byte, so a payload within its byte limit has at most that many
    // tokens; an event with twice as many is refused before its tree is built, whatever its numbers or nesting.
    private static final int MAX_EVENT_TOKENS = 2 * EventValidator.MAX_PAYLOAD_BYTES;

    private final ObjectMapper json;
    private final EventValidator validator;

    public JsonEvents(ObjectMapper json, EventValidator validator) {
        this.json = json;
        this.validator = validator;
    }

    public void decode(byte[] body, IngestService.Batch into) {
        if (body.length == 0) {
            throw into.refuse(new BadRequest("empty_body", "the body is empty"));
        }
        try (JsonParser p = json.createParser(body)) {
            ObjectNode root = walk(p, into);
            if (!into.many()) {
                take(root, 0, into);
            }
        } catch (StreamConstraintsException e) {
            throw into.refuse(new BadRequest("invalid_json", "the body exceeds a JSON limit: nesting or size"));
        } catch (IOException e) {
            throw into.refuse(new BadRequest("invalid_json", "the body is not valid JSON"));
        } catch (RuntimeException e) {
            into.abandon();
            throw e;
        }
    }

    // item is null when it was too big to build.
    private void take(JsonNode item, int index, IngestService.Batch into) {
        try {
            if (item == null) {
                throw new InvalidEvent("payload_too_large", "the event holds more than " + MAX_EVENT_TOKENS
                        + " JSON tokens; a payload is at most " + EventValidator.MAX_PAYLOAD_BYTES + " bytes");
            }
            into.accept(validator.validate(item));
        } catch (InvalidEvent why) {
            into.reject(index, item == null ? null : safeEventId(item), why);
        }
    }

    /** Returns the root object of a single event (null if it was too big to build); a batch's events are taken as they come. */
    private ObjectNode walk(JsonParser p, IngestService.Batch into) throws IOException {
        JsonToken first = p.nextToken();
        if (first != JsonToken.START_OBJECT) {
            p.skipChildren();
            requireEnd(p, into);
            throw into.refuse(new BadRequest("invalid_body", "the body must be a JSON object: one event, or {\"events\": [...]}"));
        }
        var capped = new CappedParser(json, p, MAX_EVENT_TOKENS);
        int depth = p.getParsingContext().getNestingDepth();
        ObjectNode root = json.createObjectNode();
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("events")) {
                events(p, value, capped, into);
            } else if (root != null && !into.many()) {
                try {
                    root.set(name, capped.read());
                } catch (CappedParser.TooManyTokens e) {
                    root = null;
                    CappedParser.skipTo(p, depth);
                }
            } else {
                p.skipChildren();
            }
        }
        requireEnd(p, into);
        return root;
    }

    private void events(JsonParser p, JsonToken value, CappedParser capped, IngestService.Batch into) throws IOException {
        if (into.many()) {
            throw into.refuse(new BadRequest("invalid_batch", "events appears more than once"));
        }
        if (value != JsonToken.START_ARRAY) {
            throw into.refuse(new BadRequest("invalid_batch", "events must be an array"));
        }
        into.expectMany();
        int depth = p.getParsingContext().getNestingDepth();
        int size = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == null) {
                throw new JsonEOFException(p, null, "the events array is not closed");
            }
            if (++size > MAX_BATCH) {
                p.skipChildren();
                continue;
            }
            JsonNode item;
            try {
                capped.reset(MAX_EVENT_TOKENS);
                item = capped.read();
            } catch (CappedParser.TooManyTokens e) {
                item = null;
                CappedParser.skipTo(p, depth);
            }
            take(item, size - 1, into);
        }
        if (size == 0) {
            throw into.refuse(new BadRequest("empty_batch", "events is empty"));
        }
        if (size > MAX_BATCH) {
            throw into.refuse(new BadRequest("batch_too_large", "a batch holds at most " + MAX_BATCH + " events; this one has " + size));
        }
    }

    // One JSON value per body: anything but whitespace after it would otherwise be dropped unseen.
    private static void requireEnd(JsonParser p, IngestService.Batch into) throws IOException {
        if (p.nextToken() != null) {
            throw into.refuse(new BadRequest("invalid_json", "the body holds more than one JSON value"));
        }
    }

    // Only a well-formed UUID is echoed back or recorded; anything else could be arbitrary text.
    private static String safeEventId(JsonNode item) {
        JsonNode id = item.path("event_id");
        if (!id.isTextual()) {
            return null;
        }
        try {
            return UUID.fromString(id.asText()).toString().equalsIgnoreCase(id.asText()) ? id.asText().toLowerCase() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
