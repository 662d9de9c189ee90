package dev.brain.hook;

import org.junit.jupiter.api.Test;

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
    void a_truncated_hook_payload_is_salvaged_field_by_field() {
        HookInput in = HookInput.parse("{\"session_id\":\"s1\",\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"Read\","
                + "\"tool_use_id\":\"t1\",\"duration_ms\":12,\"tool_response\":{\"content\":\"cut here");
        assertEquals("PostToolUse", in.event());
        assertEquals("Read", in.text("tool_name"));
        assertEquals(12, in.count("duration_ms"));
    }
}
