package dev.brain.sdk.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SDK's JSON reader, small and strict: objects become maps, arrays lists, whole numbers Long,
 * other numbers Double. In {@link #scalars} mode only the top level is kept and nested values are
 * skipped unread, so a hook payload's large {@code tool_input}/{@code tool_response} cost a scan, not a tree.
 */
public final class JsonReader {
    private static final int MAX_DEPTH = 64;

    private final String s;
    private int pos;

    private JsonReader(String s) {
        this.s = s;
    }

    /** Thrown on anything that is not one well-formed JSON value. */
    public static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** The whole value as a tree. */
    public static Object parse(String text) {
        JsonReader r = new JsonReader(text);
        Object v = r.value(0);
        r.end();
        return v;
    }

    /** The top-level object's string, number and boolean fields; nested objects and arrays are skipped. */
    public static Map<String, Object> scalars(String text) {
        JsonReader r = new JsonReader(text);
        r.space();
        if (r.peek() != '{') {
            throw new Malformed("expected '{' at " + r.pos);
        }
        Map<String, Object> out = r.object(0, true);
        r.end();
        return out;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw new Malformed("nested deeper than " + MAX_DEPTH);
        }
        space();
        char c = peek();
        switch (c) {
            case '{': return object(depth, false);
            case '[': return array(depth);
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            default: return number();
        }
    }

    // With skipNested (scalars), nested objects and arrays are scanned past and nulls left out.
    private Map<String, Object> object(int depth, boolean skipNested) {
        pos++;
        Map<String, Object> out = new LinkedHashMap<>();
        space();
        if (peek() == '}') {
            pos++;
            return out;
        }
        while (true) {
            space();
            String key = string();
            space();
            expect(':');
            space();
            char c = peek();
            if (skipNested && (c == '{' || c == '[')) {
                skip(depth + 1);
            } else {
                Object v = value(depth + 1);
                if (v != null || !skipNested) {
                    out.put(key, v);
                }
            }
            space();
            if (next() == '}') {
                return out;
            }
            back(',');
        }
    }

    private List<Object> array(int depth) {
        pos++;
        List<Object> out = new ArrayList<>();
        space();
        if (peek() == ']') {
            pos++;
            return out;
        }
        while (true) {
            out.add(value(depth + 1));
            space();
            if (next() == ']') {
                return out;
            }
            back(',');
        }
    }

    // Skips a nested object or array without building it: only brackets and strings matter.
    private void skip(int depth) {
        int level = 0;
        while (true) {
            char c = next();
            if (c == '"') {
                while ((c = next()) != '"') {
                    if (c == '\\') {
                        next();
                    }
                }
            } else if (c == '{' || c == '[') {
                if (++level + depth > MAX_DEPTH) {
                    throw new Malformed("nested deeper than " + MAX_DEPTH);
                }
            } else if (c == '}' || c == ']') {
                if (--level == 0) {
                    return;
                }
            }
        }
    }

    private String string() {
        expect('"');
        int start = pos;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '"') {
                return s.substring(start, pos++);
            }
            if (c == '\\') {
                break;
            }
            pos++;
        }
        StringBuilder out = new StringBuilder(s.substring(start, pos));
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case 'n': out.append('\n'); break;
                case 't': out.append('\t'); break;
                case 'r': out.append('\r'); break;
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'u':
                    if (pos + 4 > s.length()) {
                        throw new Malformed("truncated \\u escape");
                    }
                    try {
                        out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException bad) {
                        throw new Malformed("bad \\u escape");
                    }
                    pos += 4;
                    break;
                default: out.append(e);
            }
        }
    }

    private Object number() {
        int start = pos;
        while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
            pos++;
        }
        String text = s.substring(start, pos);
        try {
            if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException tooBig) {
                    return Double.parseDouble(text);
                }
            }
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new Malformed("not a value at " + start);
        }
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, pos)) {
            throw new Malformed("unexpected token at " + pos);
        }
        pos += word.length();
        return v;
    }

    private void space() {
        while (pos < s.length() && " \n\r\t".indexOf(s.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= s.length()) {
            throw new Malformed("unexpected end");
        }
        return s.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        next();
        back(c);
    }

    private void back(char c) {
        if (s.charAt(pos - 1) != c) {
            throw new Malformed("expected '" + c + "' at " + (pos - 1));
        }
    }

    private void end() {
        space();
        if (pos != s.length()) {
            throw new Malformed("trailing characters at " + pos);
        }
    }
}
