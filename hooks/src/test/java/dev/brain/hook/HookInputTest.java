package dev.brain.hook;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HookInputTest {

    @Test
    void a_truncated_hook_payload_is_salvaged_field_by_field() {
        HookInput in = HookInput.parse("{\"session_id\":\"s1\",\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"Read\","
                + "\"tool_use_id\":\"t1\",\"duration_ms\":12,\"tool_response\":{\"content\":\"cut here");
        assertEquals("PostToolUse", in.event());
        assertEquals("Read", in.text("tool_name"));
        assertEquals(12, in.count("duration_ms"));
    }
}
