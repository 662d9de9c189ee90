package dev.brain.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.error.InvalidEvent;
import dev.brain.http.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The validator skips serialising a payload whose size bound is within the limit: the bound must never be short. */
class PayloadSizeBoundTest {
    private static final ObjectMapper JSON = Json.mapper();
    private static final String[] PIECES = {"a", "Z", "7", " ", "\"", "\\", "\n", "\u0001", "\u001f", "é", "中", "😀", "/", "\u2028"};
    private static final String[] NUMBERS = {"0", "-1", "2147483648", "-9223372036854775808", "12345678901234567890123",
        "1e5", "-1.5E-300", "0.000000000123", "123456789.123456789", "1E+400", "4.9e-324"};

    @Test
    void the_bound_is_never_below_the_serialised_size_of_any_payload() throws Exception {
        Random rnd = new Random(16);
        for (int i = 0; i < 5_000; i++) {
            JsonNode payload = JSON.readTree(object(rnd, 0));
            long bound = Fields.checkTree(payload, 1);
            int size = JSON.writeValueAsBytes(payload).length;
            assertTrue(bound >= size, "bound " + bound + " < size " + size + " for " + payload);
        }
    }

    @Test
    void a_payload_over_the_limit_only_by_escaping_is_still_refused() throws Exception {
        var validator = new EventValidator(JSON, Clock.systemUTC(), Duration.ofDays(30));
        // 6,000 control characters: 6,000 characters as text, 36,000 bytes once escaped.
        String event = "{\"event_id\":\"6f1c2d3e-0000-4000-8000-000000000001\",\"ts\":\"" + Instant.now() + "\","
                + "\"event_type\":\"error\",\"payload\":{\"message\":\"x\",\"note\":\"" + "\\u0001".repeat(6_000) + "\"}}";
        var refused = org.junit.jupiter.api.Assertions.assertThrows(InvalidEvent.class, () -> validator.validate(JSON.readTree(event)));
        assertEquals("payload_too_large", refused.code());
    }

    private static String object(Random rnd, int depth) {
        var sb = new StringBuilder("{");
        int fields = rnd.nextInt(depth == 0 ? 8 : 4);
        for (int f = 0; f < fields; f++) {
            sb.append(f == 0 ? "" : ",").append(string(rnd)).append(':').append(value(rnd, depth + 1));
        }
        return sb.append('}').toString();
    }

    private static String value(Random rnd, int depth) {
        int kind = rnd.nextInt(depth > 4 ? 5 : 7);
        switch (kind) {
            case 0, 1:
                return string(rnd);
            case 2:
                return NUMBERS[rnd.nextInt(NUMBERS.length)];
            case 3:
                return rnd.nextBoolean() ? "true" : "false";
            case 4:
                return "null";
            case 5:
                return object(rnd, depth);
            default:
                var sb = new StringBuilder("[");
                int n = rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ",").append(value(rnd, depth + 1));
                }
                return sb.append(']').toString();
        }
    }

    private static String string(Random rnd) {
        var text = new StringBuilder();
        int n = rnd.nextInt(12);
        for (int i = 0; i < n; i++) {
            text.append(PIECES[rnd.nextInt(PIECES.length)]);
        }
        try {
            return JSON.writeValueAsString(text.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
