package dev.brain.sdk.internal;

import java.util.Collection;
import java.util.Map;
import java.util.function.BiConsumer;

/** A caller-supplied payload from {@code track}: well-known fields are capped to the brain's limits. */
public final class MapPayload implements Payload {
    private final Map<?, ?> fields;

    public MapPayload(Map<?, ?> fields) {
        this.fields = fields;
    }

    @Override
    public boolean write(StringBuilder out, int level) {
        if (level > 1) {
            return false;
        }
        Json.Caps caps = level == 0 ? Json.Caps.NORMAL : Json.Caps.TIGHT;
        writeObject(out, (key, value) -> {
            int cap = Limits.forField(key);
            if (cap > 0 && value instanceof String) {
                Json.string(out, (String) value, cap);
            } else if ("tool_calls".equals(key) && value instanceof Collection) {
                toolCalls(out, (Collection<?>) value, caps);
            } else {
                Json.value(out, value, caps);
            }
        });
        return true;
    }

    // The fields as one JSON object, keys capped, each value written by {@code values}.
    private void writeObject(StringBuilder out, BiConsumer<String, Object> values) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : fields.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            String key = String.valueOf(e.getKey());
            Json.string(out, key, 256);
            out.append(':');
            values.accept(key, e.getValue());
        }
        out.append('}');
    }

    private static void toolCalls(StringBuilder out, Collection<?> calls, Json.Caps caps) {
        out.append('[');
        int n = 0;
        for (Object call : calls) {
            if (n == Math.min(Limits.TOOL_CALLS, caps.maxItems)) {
                break;
            }
            if (n++ > 0) {
                out.append(',');
            }
            if (call instanceof Map) {
                new MapPayload((Map<?, ?>) call).writeToolCall(out, caps);
            } else {
                Json.value(out, call, caps);
            }
        }
        out.append(']');
    }

    private void writeToolCall(StringBuilder out, Json.Caps caps) {
        writeObject(out, (key, value) -> {
            if ("name".equals(key) && value instanceof String) {
                Json.string(out, (String) value, Limits.SHORT_STRING);
            } else {
                Json.value(out, value, caps);
            }
        });
    }
}
