package dev.brain.hook;

import dev.brain.sdk.e2e.RealBrain;
import dev.brain.sdk.internal.JsonReader;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Claude Code without hooks: the real CLI, headless against the Messages stand-in, exporting its own OpenTelemetry
 * logs and metrics (http/json and http/protobuf) straight to a real brain, which builds the session server-side.
 * Skipped when no {@code claude} is on the PATH (or in {@code CLAUDE_BIN}).
 */
class RealClaudeCodeOtlpIT {
    private static final String EMAIL = "jane.otlp.doe@example.com";

    @TempDir
    Path dir;

    // The real CLI on a loaded machine may take minutes, then the session waits out its idle time: against hangs only.
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    @ParameterizedTest
    @ValueSource(strings = {"http/json", "http/protobuf"})
    void the_cli_exporting_otlp_builds_one_session_with_the_usage_and_cost_it_reported(String protocol) throws Exception {
        String claude = RealClaudeCodeIT.claudeOrSkip();
        Map<String, String> brainEnv = Map.of("BRAIN_SESSION_IDLE_S", "30", "BRAIN_SESSION_CLOSE_INTERVAL_S", "1");
        try (RealBrain brain = RealBrain.provision(HookBrain.PROFILE, brainEnv).start(); MessagesStandIn api = new MessagesStandIn()) {
            Path home = Files.createDirectories(dir.resolve("home"));
            Path project = Files.createDirectories(dir.resolve("acme-shop"));
            ProcessBuilder pb = new ProcessBuilder(claude, "-p", MessagesStandIn.PROMPT, "--output-format", "json",
                    "--dangerously-skip-permissions").directory(project.toFile());
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("BRAIN_") || k.startsWith("ANTHROPIC_") || k.startsWith("CLAUDE") || k.startsWith("OTEL_"));
            env.put("HOME", home.toString());
            env.put("ANTHROPIC_BASE_URL", api.baseUrl());
            env.put("ANTHROPIC_API_KEY", "sk-ant-standin");
            env.put("IS_SANDBOX", "1");
            env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
            // The README's "Claude Code without hooks" block, plus prompt logging on and a personal attribute, to prove
            // neither is stored; short export intervals only make the test quicker (everything is flushed at exit).
            env.put("CLAUDE_CODE_ENABLE_TELEMETRY", "1");
            env.put("OTEL_LOGS_EXPORTER", "otlp");
            env.put("OTEL_METRICS_EXPORTER", "otlp");
            env.put("OTEL_EXPORTER_OTLP_PROTOCOL", protocol);
            env.put("OTEL_EXPORTER_OTLP_ENDPOINT", brain.endpoint());
            env.put("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer " + brain.apiKey());
            env.put("OTEL_RESOURCE_ATTRIBUTES", "brain.category=coding,user.email=" + EMAIL);
            env.put("OTEL_LOG_USER_PROMPTS", "1");
            env.put("OTEL_METRIC_EXPORT_INTERVAL", "2000");
            env.put("OTEL_LOGS_EXPORT_INTERVAL", "1000");
            Path out = dir.resolve("claude.out");
            pb.redirectOutput(out.toFile()).redirectError(dir.resolve("claude.err").toFile());
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                fail("claude did not finish within 300 s");
            }
            assertEquals(0, p.exitValue(), Files.readString(dir.resolve("claude.err")));
            Map<?, ?> result = (Map<?, ?>) JsonReader.parse(Files.readString(out).trim());
            String session = (String) result.get("session_id");

            // The session closes BRAIN_SESSION_IDLE_S after its last record, at the closing job's next turn: 30 s, so a slow tool
            // on a loaded machine never splits the session into a continuation.
            List<Map<String, Object>> events = HookProcessIT.events(brain, session, 2, 180);
            assertEquals(List.of("session.start", "session.end"), HookProcessIT.types(events), "events " + events);
            assertEquals(Map.of("category", "coding", "source", "otlp:claude-code"), HookProcessIT.payloadOf(events.get(0)));
            Map<String, Object> end = HookProcessIT.payloadOf(events.get(1));
            assertEquals("success", end.get("status"));
            assertTrue(((Number) end.get("duration_ms")).longValue() > 0);

            List<String> calls = new ArrayList<>();
            for (Object c : (List<?>) end.get("tool_calls")) {
                Map<?, ?> call = (Map<?, ?>) c;
                calls.add(call.get("name") + ":" + call.get("ok"));
            }
            calls.sort(null);
            assertEquals(List.of("Agent:true", "Bash:false", "Bash:true", "Bash:true"), calls, "tool calls " + end.get("tool_calls"));

            Map<String, long[]> reported = api.reported();
            List<?> usage = (List<?>) end.get("llm_usage");
            assertEquals(reported.size(), usage.size(), "models: " + reported.keySet() + " vs " + usage);
            double cents = 0;
            for (Object u : usage) {
                Map<?, ?> entry = (Map<?, ?>) u;
                long[] sent = reported.get((String) entry.get("model"));
                assertEquals(sent[0], number(entry, "input_tokens"), "input tokens (cache reads and writes included) of " + entry.get("model"));
                assertEquals(sent[0], number(entry, "uncached_input_tokens") + number(entry, "cache_read_input_tokens")
                        + number(entry, "cache_creation_input_tokens"), "the parts of the input tokens of " + entry.get("model"));
                assertEquals(sent[1], number(entry, "output_tokens"), "output tokens of " + entry.get("model"));
                cents += ((Number) entry.get("cost_cents")).doubleValue();
            }
            double total = ((Number) result.get("total_cost_usd")).doubleValue() * 100;
            assertEquals(total, cents, total / 100, "cost in cents against the CLI's own total_cost_usd");

            String url = brain.databaseUrl();
            long sessions = awaitMetric(url, brain.agentId(), "claude_code.session.count");
            assertEquals(1, sessions, "session.count");
            assertTrue(awaitMetric(url, brain.agentId(), "claude_code.active_time.total%") > 0, "active time");

            String dump = pgDump(url);
            assertFalse(dump.contains(EMAIL), "user.email reached the database");
            assertFalse(dump.contains(MessagesStandIn.PROMPT), "the prompt text reached the database");
        }
    }

    private static long number(Map<?, ?> entry, String field) {
        Object v = entry.get(field);
        return v == null ? 0 : ((Number) v).longValue();
    }

    // Metrics go out every OTEL_METRIC_EXPORT_INTERVAL and at exit: wait for the named counter to appear.
    private static long awaitMetric(String url, String agent, String like) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try (Connection c = DriverManager.getConnection(url);
                 PreparedStatement st = c.prepareStatement("select coalesce(sum(value), -1) from rollup_usage_metric_daily"
                         + " where agent_id = ? and metric like ?")) {
                st.setString(1, agent);
                st.setString(2, like);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    double v = rs.getDouble(1);
                    if (v >= 0 || System.nanoTime() > deadline) {
                        return Math.round(Math.ceil(v));
                    }
                }
            }
            Thread.sleep(200);
        }
    }

    private static String pgDump(String jdbcUrl) throws Exception {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        Map<String, String> query = new HashMap<>();
        if (uri.getQuery() != null) {
            for (String kv : uri.getQuery().split("&")) {
                String[] parts = kv.split("=", 2);
                query.put(parts[0], parts.length > 1 ? parts[1] : "");
            }
        }
        Process p = new ProcessBuilder("pg_dump", "-h", uri.getHost(), "-p", Integer.toString(uri.getPort()),
                "-U", query.getOrDefault("user", "brain"), "--data-only", "--no-owner", uri.getPath().substring(1))
                .redirectErrorStream(true).start();
        String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), dump);
        return dump;
    }
}
