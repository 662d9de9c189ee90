package dev.brain.sdk.internal;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonReaderTest {

    @Test
    void scalars_keep_the_top_level_and_skip_nested_values_unread() {
        Map<String, Object> f = JsonReader.scalars("{\"hook_event_name\":\"PostToolUse\",\"tool_input\":{\"command\":\"echo \\\"}{\\\"\","
                + "\"deep\":[[[{\"a\":\"]\"}]]]},\"duration_ms\":41,\"ok\":true,\"none\":null,\"tool_name\":\"B\\u0061sh\"}");
        assertEquals(Map.of("hook_event_name", "PostToolUse", "duration_ms", 41L, "ok", true, "tool_name", "Bash"), f);
    }

    @Test
    void parse_builds_trees_of_maps_lists_longs_and_doubles() {
        assertEquals(Map.of("a", List.of(1L, 2.5, "x", false)), JsonReader.parse(" {\"a\":[1,2.5,\"x\",false]} "));
    }

    @Test
    void truncated_or_trailing_input_is_malformed() {
        for (String bad : new String[] {"", "{", "{\"a\":", "{\"a\":{\"b\":1}", "{\"a\":1}x", "garbage", "[1,]", "{\"a\":-}"}) {
            assertThrows(JsonReader.Malformed.class, () -> JsonReader.scalars(bad), bad);
        }
    }

    @Test
    void nesting_beyond_the_cap_is_malformed_not_a_stack_overflow() {
        String deep = "[".repeat(200) + "]".repeat(200);
        assertThrows(JsonReader.Malformed.class, () -> JsonReader.parse(deep));
        assertThrows(JsonReader.Malformed.class, () -> JsonReader.scalars("{\"a\":" + deep + "}"));
    }

    @Test
    void what_the_writer_writes_reads_back() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", "tab\there \"quoted\" \\ and \u00e9 \ud83d\ude00");
        value.put("numbers", Arrays.asList(0L, -7L, Long.MAX_VALUE, 2.5, null));
        value.put("nested", Map.of("ok", true));
        StringBuilder out = new StringBuilder();
        Json.value(out, value, Json.Caps.NORMAL);
        assertEquals(value, JsonReader.parse(out.toString()));
    }
}
