package dev.brain.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Builds trees from a streaming parser one value at a time, counting every token it is built from: past the
 * limit the build stops with {@link TooManyTokens}, so a value's memory is bounded before it is allocated.
 */
final class CappedParser extends JsonParserDelegate {
    private final ObjectMapper json;
    private int left;

    CappedParser(ObjectMapper json, JsonParser parser, int limit) {
        super(parser);
        this.json = json;
        this.left = limit;
    }

    void reset(int limit) {
        left = limit;
    }

    /** The value at the current token as a tree, counted against what is left of the limit. */
    JsonNode read() throws IOException {
        take();
        return json.readTree(this);
    }

    @Override
    public JsonToken nextToken() throws IOException {
        take();
        return delegate.nextToken();
    }

    @Override
    public JsonToken nextValue() throws IOException {
        JsonToken t = nextToken();
        return t == JsonToken.FIELD_NAME ? nextToken() : t;
    }

    private void take() {
        if (--left < 0) {
            throw TooManyTokens.INSTANCE;
        }
    }

    /** After a stopped build: moves the parser past the rest of that value, back into its container at depth. */
    static void skipTo(JsonParser p, int depth) throws IOException {
        while (p.getParsingContext().getNestingDepth() > depth) {
            if (p.nextToken() == null) {
                throw new JsonEOFException(p, null, "the body ends inside a value");
            }
        }
    }

    /** Thrown from inside a tree build; carries nothing, so one instance serves. */
    static final class TooManyTokens extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private static final TooManyTokens INSTANCE = new TooManyTokens();

        private TooManyTokens() {
            super("a value holds more JSON tokens than allowed", null, false, false);
        }
    }
}
