package dev.brain.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.error.InvalidEvent;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/** The field-level rules every event type shares: strings PostgreSQL can hold, bounded numbers, bounded depth. */
final class Fields {
    // PostgreSQL numeric: 131072 digits before the point, 16383 after.
    private static final int PG_MAX_INT_DIGITS = 131_072;
    private static final int PG_MAX_SCALE = 16_383;

    private Fields() {
    }

    static String requiredText(JsonNode parent, String field, int max, String at) {
        String v = optionalText(parent, field, max, at);
        if (v == null || v.isEmpty()) {
            throw new InvalidEvent("missing_field", at + " is required");
        }
        return v;
    }

    static String optionalText(JsonNode parent, String field, int max, String at) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new InvalidEvent("invalid_field", at + " must be a string");
        }
        String s = n.asText();
        checkString(s, at);
        int chars = s.codePointCount(0, s.length());
        if (chars > max) {
            throw new InvalidEvent("string_too_long", at + " is " + chars + " characters; the limit is " + max);
        }
        return s;
    }

    /** A number from 0 to max (never echoed back: it could be a thousand digits). */
    static void bounded(JsonNode n, String at, boolean integer, long max, String unit) {
        if (n == null || n.isNull()) {
            return;
        }
        if (!n.isNumber() || (integer && !isIntegral(n))) {
            throw new InvalidEvent("invalid_field", at + " must be a " + (integer ? "whole number" : "number"));
        }
        BigDecimal d = n.decimalValue();
        if (d.signum() < 0) {
            throw new InvalidEvent("negative_value", at + " must not be negative");
        }
        if (d.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new InvalidEvent("number_out_of_range", at + " must be at most " + max + " (" + unit + ")");
        }
    }

    static boolean isIntegral(JsonNode n) {
        if (n.isIntegralNumber()) {
            return true;
        }
        BigDecimal d = n.decimalValue();
        return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
    }

    /**
     * Strings PostgreSQL cannot hold (NUL, lone surrogates), numbers beyond numeric, and depth. Returns an upper bound
     * of the tree's size as compact JSON in bytes (a character takes at most 6, escaped), so that a payload evidently
     * within its limit need not be serialised to be measured.
     */
    static long checkTree(JsonNode n, int depth) {
        if (depth > EventValidator.MAX_DEPTH) {
            throw new InvalidEvent("payload_too_deep", "payload nests deeper than " + EventValidator.MAX_DEPTH + " levels");
        }
        if (n.isTextual()) {
            checkString(n.asText(), "a string in payload");
            return 2 + 6L * n.asText().length();
        } else if (n.isBigDecimal() || n.isBigInteger()) {
            BigDecimal d = n.decimalValue();
            if (d.precision() - d.scale() > PG_MAX_INT_DIGITS || d.scale() > PG_MAX_SCALE) {
                throw new InvalidEvent("number_out_of_range", "a number in payload is beyond what can be stored");
            }
            // Digits, a zero, sign, point and exponent, written plain or not.
            return d.precision() + Math.abs((long) d.scale()) + 16;
        } else if (n.isObject()) {
            long size = 2;
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                checkString(e.getKey(), "a field name in payload");
                size += 4 + 6L * e.getKey().length() + checkTree(e.getValue(), depth + 1);
            }
            return size;
        } else if (n.isArray()) {
            long size = 2;
            for (JsonNode item : n) {
                size += 1 + checkTree(item, depth + 1);
            }
            return size;
        }
        // Booleans, null, and int, long or double numbers (at most 25 characters); anything else is measured for real.
        return n.isBoolean() || n.isNull() || n.isInt() || n.isLong() || n.isDouble() || n.isFloat() || n.isShort()
                ? 25 : Long.MAX_VALUE / 2;
    }

    static void checkString(String s, String at) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                throw new InvalidEvent("invalid_string", at + " contains a NUL character (U+0000), which cannot be stored");
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    throw new InvalidEvent("invalid_string", at + " contains an unpaired UTF-16 surrogate");
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new InvalidEvent("invalid_string", at + " contains an unpaired UTF-16 surrogate");
            }
        }
    }
}
