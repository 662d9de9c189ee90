package dev.brain.hook;

import dev.brain.sdk.internal.JsonReader;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The few fields of a hook's stdin the hook reads; every one may be missing. */
record HookInput(Map<String, Object> fields) {
    private static final String[] SALVAGED = {"hook_event_name", "session_id", "transcript_path", "cwd", "source",
            "model", "tool_name", "tool_use_id", "error", "error_details", "reason", "notification_type", "message",
            "agent_id"};

    /**
     * Top-level scalars of {@code stdin}. Truncated or malformed input is salvaged field by field
     * (first {@code "name":"value"} occurrence of each known name), so a cut-off payload still counts.
     */
    static HookInput parse(String stdin) {
        try {
            return new HookInput(JsonReader.scalars(stdin));
        } catch (JsonReader.Malformed | StackOverflowError e) {
            Debug.log("stdin is not one JSON object (" + e.getMessage() + "); salvaging what it has");
            return salvage(stdin);
        }
    }

    private static HookInput salvage(String stdin) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (String name : SALVAGED) {
            Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.){0,4000})\"").matcher(stdin);
            if (m.find()) {
                try {
                    out.put(name, JsonReader.parse("\"" + m.group(1) + "\""));
                } catch (JsonReader.Malformed badEscape) {
                    out.put(name, m.group(1));
                }
            }
        }
        Matcher d = Pattern.compile("\"duration_ms\"\\s*:\\s*(\\d{1,15})").matcher(stdin);
        if (d.find()) {
            out.put("duration_ms", Long.parseLong(d.group(1)));
        }
        return new HookInput(out);
    }

    String text(String name) {
        Object v = fields.get(name);
        return v instanceof String s && !s.isEmpty() ? s : null;
    }

    /** A non-negative whole number, or -1. */
    long count(String name) {
        Object v = fields.get(name);
        return v instanceof Number n && n.doubleValue() >= 0 && !Double.isNaN(n.doubleValue()) ? n.longValue() : -1;
    }

    String event() {
        return text("hook_event_name");
    }

    String sessionId() {
        return text("session_id");
    }
}
