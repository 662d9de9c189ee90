package dev.brain.sdk.internal;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The SDK's JSON writer, for events; {@link JsonReader} reads. */
public final class Json {

    private static final int MAX_DEPTH = 16;
    private static final char REPLACEMENT = '\uFFFD';

    private Json() {
    }

    /** Caps applied while writing arbitrary values: string length and collection size. */
    public static final class Caps {
        public static final Caps NORMAL = new Caps(32 * 1024, 1000);
        public static final Caps TIGHT = new Caps(1024, 100);

        final int maxString;
        final int maxItems;

        Caps(int maxString, int maxItems) {
            this.maxString = maxString;
            this.maxItems = maxItems;
        }
    }

    /**
     * Writes {@code s} as a JSON string of at most {@code maxChars} chars of input. NUL and lone
     * surrogates become U+FFFD: PostgreSQL's jsonb refuses the first, UTF-8 cannot carry the second.
     */
    public static void string(StringBuilder out, String s, int maxChars) {
        if (s == null) {
            out.append("null");
            return;
        }
        int end = Math.min(s.length(), Math.max(0, maxChars));
        if (end > 0 && end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        out.append('"');
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                case 0: out.append(REPLACEMENT); break;
                default:
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                            out.append(c).append(s.charAt(++i));
                        } else {
                            out.append(REPLACEMENT);
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        out.append(REPLACEMENT);
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    /** Writes any value a caller may hand us: maps, collections, arrays, numbers, booleans, else its text. */
    public static void value(StringBuilder out, Object v, Caps caps) {
        value(out, v, caps, 0);
    }

    static void value(StringBuilder out, Object v, Caps caps, int depth) {
        if (v == null || depth > MAX_DEPTH) {
            out.append("null");
        } else if (v instanceof String) {
            string(out, (String) v, caps.maxString);
        } else if (v instanceof Boolean) {
            out.append(((Boolean) v).booleanValue());
        } else if (v instanceof Number) {
            number(out, (Number) v);
        } else if (v instanceof Map) {
            object(out, (Map<?, ?>) v, caps, depth);
        } else if (v instanceof Collection) {
            array(out, (Collection<?>) v, caps, depth);
        } else if (v.getClass().isArray()) {
            int n = Math.min(Array.getLength(v), caps.maxItems);
            List<Object> items = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                items.add(Array.get(v, i));
            }
            array(out, items, caps, depth);
        } else if (v instanceof Enum) {
            string(out, ((Enum<?>) v).name(), caps.maxString);
        } else {
            string(out, String.valueOf(v), caps.maxString);
        }
    }

    public static void number(StringBuilder out, Number n) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
                || n instanceof BigInteger || n instanceof BigDecimal) {
            out.append(n);
        } else {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                out.append("null");
            } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                out.append((long) d);
            } else {
                out.append(d);
            }
        }
    }

    static void object(StringBuilder out, Map<?, ?> map, Caps caps, int depth) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, String.valueOf(e.getKey()), 256);
            out.append(':');
            value(out, e.getValue(), caps, depth + 1);
        }
        out.append('}');
    }

    static void array(StringBuilder out, Collection<?> items, Caps caps, int depth) {
        out.append('[');
        int n = 0;
        for (Object item : items) {
            if (n == caps.maxItems) {
                break;
            }
            if (n++ > 0) {
                out.append(',');
            }
            value(out, item, caps, depth + 1);
        }
        out.append(']');
    }
}
