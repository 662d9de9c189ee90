package dev.brain.otlp;

import dev.brain.error.InvalidEvent;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A record's attributes, read by name with the types senders really use: Claude Code sends some numbers as
 * strings ("12") and booleans as "true"/"false". Only the keys asked for are kept; a wrong type or a value out of
 * range refuses the record ({@link InvalidEvent}) rather than storing a guess.
 */
final class Attrs {
    static final int MAX_NAME = 128;
    private final Map<String, AnyValue> values;

    private Attrs(Map<String, AnyValue> values) {
        this.values = values;
    }

    /** The attributes named in `wanted`, later lists overriding earlier ones (record over resource). */
    @SafeVarargs
    static Attrs of(Set<String> wanted, List<KeyValue>... lists) {
        Map<String, AnyValue> m = new HashMap<>();
        for (List<KeyValue> list : lists) {
            for (KeyValue kv : list) {
                if (wanted.contains(kv.getKey())) {
                    m.put(kv.getKey(), kv.getValue());
                }
            }
        }
        return new Attrs(m);
    }

    boolean has(String key) {
        AnyValue v = values.get(key);
        return v != null && v.getValueCase() != AnyValue.ValueCase.VALUE_NOT_SET;
    }

    /** A string of at most MAX_NAME characters, or null when absent; numbers and booleans are read as their text. */
    String name(String key) {
        return text(key, MAX_NAME);
    }

    String text(String key, int max) {
        AnyValue v = values.get(key);
        if (v == null) {
            return null;
        }
        String s = switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> BigDecimal.valueOf(v.getDoubleValue()).toPlainString();
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case VALUE_NOT_SET -> null;
            default -> throw new InvalidEvent("invalid_field", "attribute " + key + " must be a string");
        };
        if (s == null || s.isEmpty()) {
            return null;
        }
        if (s.codePointCount(0, s.length()) > max) {
            throw new InvalidEvent("string_too_long", "attribute " + key + " is longer than " + max + " characters");
        }
        if (s.indexOf('\0') >= 0) {
            throw new InvalidEvent("invalid_string", "attribute " + key + " contains a NUL character");
        }
        return s;
    }

    /** A non-negative whole number up to max, from an int, a whole double or a decimal string; null when absent. */
    Long count(String key, long max) {
        BigDecimal d = number(key, max);
        if (d == null) {
            return null;
        }
        try {
            return d.longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidEvent("invalid_field", "attribute " + key + " must be a whole number");
        }
    }

    /** A non-negative number up to max, from an int, a double or a decimal string; null when absent. */
    BigDecimal number(String key, long max) {
        AnyValue v = values.get(key);
        if (v == null) {
            return null;
        }
        BigDecimal d;
        try {
            d = switch (v.getValueCase()) {
                case INT_VALUE -> BigDecimal.valueOf(v.getIntValue());
                case DOUBLE_VALUE -> BigDecimal.valueOf(v.getDoubleValue());
                case STRING_VALUE -> v.getStringValue().isBlank() ? null : new BigDecimal(v.getStringValue().trim());
                case VALUE_NOT_SET -> null;
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException e) {
            throw new InvalidEvent("invalid_field", "attribute " + key + " must be a number");
        }
        if (d == null) {
            return null;
        }
        if (d.signum() < 0) {
            throw new InvalidEvent("negative_value", "attribute " + key + " must not be negative");
        }
        if (d.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new InvalidEvent("number_out_of_range", "attribute " + key + " must be at most " + max);
        }
        return d;
    }

    /** true/false from a boolean or the strings "true"/"false"; null when absent. */
    Boolean bool(String key) {
        AnyValue v = values.get(key);
        if (v == null || v.getValueCase() == AnyValue.ValueCase.VALUE_NOT_SET) {
            return null;
        }
        if (v.getValueCase() == AnyValue.ValueCase.BOOL_VALUE) {
            return v.getBoolValue();
        }
        if (v.getValueCase() == AnyValue.ValueCase.STRING_VALUE) {
            String s = v.getStringValue().trim().toLowerCase();
            if (s.equals("true") || s.equals("false")) {
                return Boolean.parseBoolean(s);
            }
        }
        throw new InvalidEvent("invalid_field", "attribute " + key + " must be true or false");
    }
}
