package dev.brain.hook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * {@code --cds-training}: one whole session through every handler, against a throwaway directory
 * and an endpoint nobody listens on, so a class-data archive dumped at exit holds every class a
 * real invocation loads. Sends nothing anywhere.
 */
final class ClassDataTraining {
    private ClassDataTraining() {
    }

    static void run(long started) throws IOException {
        Path dir = Files.createTempDirectory("brain-hook-cds");
        try {
            Path transcript = dir.resolve("s1.jsonl");
            Files.writeString(transcript, """
                    {"type":"user","timestamp":"2026-01-01T00:00:00Z","message":{"role":"user","content":"hi"}}
                    {"type":"assistant","timestamp":"2026-01-01T00:00:01Z","message":{"id":"msg_1","model":"claude-sonnet-4-6","content":[{"type":"text","text":"done"}],"usage":{"input_tokens":1,"output_tokens":2,"cache_creation_input_tokens":3,"cache_read_input_tokens":4,"cache_creation":{"ephemeral_1h_input_tokens":0}}}}
                    {"type":"cost-state","modelUsage":{"claude-sonnet-4-6":{"costUSD":0.1}},"hasUnknownModelCost":false}
                    """);
            Settings settings = new Settings("brain_cds_training", "http://127.0.0.1:9", dir, null, Duration.ofMillis(200), Duration.ZERO, Duration.ofHours(1), null);
            String common = "\"session_id\":\"s1\",\"transcript_path\":\"" + transcript + "\",\"cwd\":\"" + dir + "\"";
            for (String event : new String[] {
                    "{\"hook_event_name\":\"SessionStart\",\"source\":\"startup\"," + common + "}",
                    "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_use_id\":\"t1\",\"tool_input\":{\"command\":\"ls\"}," + common + "}",
                    "{\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"Bash\",\"tool_use_id\":\"t1\",\"duration_ms\":5,\"tool_response\":{\"stdout\":\"x\"}," + common + "}",
                    "{\"hook_event_name\":\"PostToolUseFailure\",\"tool_name\":\"Bash\",\"tool_use_id\":\"t2\",\"error\":\"Exit code 1\"," + common + "}",
                    "{\"hook_event_name\":\"Notification\",\"notification_type\":\"permission_prompt\",\"message\":\"m\"," + common + "}",
                    "{\"hook_event_name\":\"StopFailure\",\"error\":\"rate_limit\"," + common + "}",
                    "{\"hook_event_name\":\"SessionEnd\",\"reason\":\"other\"," + common + "}",
                    "{\"truncated\":",
            }) {
                Main.run(event, settings, started);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
