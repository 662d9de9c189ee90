package dev.brain.sdk.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the SDK's tests read bodies and payloads with: {@link JsonReader}, every number a Double (the tests' expected values are written so). */
public final class TestJson {
    private TestJson() {
    }

    public static Object parse(String text) {
        return doubles(JsonReader.parse(text));
    }

    private static Object doubles(Object v) {
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof Map) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<?, ?>) v).forEach((k, item) -> out.put((String) k, doubles(item)));
            return out;
        }
        if (v instanceof List) {
            List<Object> out = new ArrayList<>();
            ((List<?>) v).forEach(item -> out.add(doubles(item)));
            return out;
        }
        return v;
    }
}
