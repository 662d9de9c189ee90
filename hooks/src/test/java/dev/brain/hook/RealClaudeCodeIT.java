package dev.brain.hook;

import dev.brain.sdk.e2e.RealBrain;
import dev.brain.sdk.internal.JsonReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real Claude Code CLI, headless, with the documented settings snippet, against the
 * Messages stand-in and a real brain. Skipped when no {@code claude} is on the PATH (or in
 * {@code CLAUDE_BIN}); install it with {@code npm install -g @anthropic-ai/claude-code}.
 */
class RealClaudeCodeIT {
    @TempDir
    Path dir;

    /**
     * Hooks Claude Code ran async may outlive it, still writing to the spool under the temporary directory: they
     * finish (or are stopped) before it is deleted, which JUnit does after this.
     */
    @AfterEach
    void lingeringHooksExit() throws Exception {
        String jar = Paths.get(System.getProperty("hook.jar", "target/brain-hook.jar")).toAbsolutePath().toString();
        List<ProcessHandle> hooks = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(jar)).orElse(false)).toList();
        for (ProcessHandle hook : hooks) {
            try {
                hook.onExit().get(60, TimeUnit.SECONDS);
            } catch (TimeoutException stuck) {
                hook.destroyForcibly();
                hook.onExit().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void a_scripted_session_with_tools_a_failure_and_a_subagent_lands_with_the_usage_the_api_reported() throws Exception {
        String claude = claudeOrSkip();
        HookRunner.jar();
        try (RealBrain brain = RealBrain.provision(HookBrain.PROFILE, Map.of()).start(); MessagesStandIn api = new MessagesStandIn()) {
            Path home = Files.createDirectories(dir.resolve("home"));
            Path project = Files.createDirectories(dir.resolve("acme-shop"));
            Files.createDirectories(home.resolve(".claude"));
            // The snippet as shipped, pointed at this build's jar and archive instead of ~/.brain.
            String snippet = Files.readString(Paths.get(System.getProperty("hook.settings", "settings.json")))
                    .replace("$HOME/.brain/brain-hook.jar", HookRunner.jar().toString())
                    .replace("$HOME/.brain/brain-hook.jsa", HookRunner.archive().toString());
            Files.writeString(home.resolve(".claude").resolve("settings.json"), snippet);

            ProcessBuilder pb = new ProcessBuilder(claude, "-p", MessagesStandIn.PROMPT, "--output-format", "json",
                    "--dangerously-skip-permissions").directory(project.toFile());
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("BRAIN_") || k.startsWith("ANTHROPIC_") || k.startsWith("CLAUDE"));
            env.put("HOME", home.toString());
            env.put("PATH", Paths.get(RealBrain.javaBin()).getParent() + File.pathSeparator + env.getOrDefault("PATH", ""));
            env.put("ANTHROPIC_BASE_URL", api.baseUrl());
            env.put("ANTHROPIC_API_KEY", "sk-ant-standin");
            env.put("IS_SANDBOX", "1");
            env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
            env.put("BRAIN_API_KEY", brain.apiKey());
            env.put("BRAIN_ENDPOINT", brain.endpoint());
            env.put("BRAIN_SPOOL_DIR", dir.resolve("spool").toString());
            Path out = dir.resolve("claude.out");
            pb.redirectOutput(out.toFile()).redirectError(dir.resolve("claude.err").toFile());
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                fail("claude did not finish within 180 s");
            }
            assertEquals(0, p.exitValue(), Files.readString(dir.resolve("claude.err")));
            Map<?, ?> result = (Map<?, ?>) JsonReader.parse(Files.readString(out).trim());
            String session = (String) result.get("session_id");

            List<Map<String, Object>> events = HookProcessIT.events(brain, session, 2);
            // On a loaded machine SessionEnd's budget can run out before its send: the event waits in the spool and
            // goes with the next hook that talks to the brain (the documented contract), so play that next hook.
            // Each hook sends within its own ~1 s budget, so on a loaded machine it may take a few of them.
            HookRunner next = new HookRunner(Map.of("HOME", home.toString(), "BRAIN_API_KEY", brain.apiKey(),
                    "BRAIN_ENDPOINT", brain.endpoint(), "BRAIN_SPOOL_DIR", dir.resolve("spool").toString()));
            for (int attempt = 0; attempt < 5 && events.size() < 2; attempt++) {
                String another = UUID.randomUUID().toString();
                assertEquals(0, next.run(HookProcessIT.payload(another, dir.resolve(another + ".jsonl"), "SessionStart",
                        "\"source\":\"startup\"")).exit());
                events = HookProcessIT.events(brain, session, 2, 10);
            }
            assertEquals(List.of("session.start", "session.end"), HookProcessIT.types(events));
            assertEquals(Map.of("category", "acme-shop", "source", "claude-code:startup"), HookProcessIT.payloadOf(events.get(0)));
            Map<String, Object> end = HookProcessIT.payloadOf(events.get(1));
            assertEquals("success", end.get("status"));
            assertEquals(MessagesStandIn.FINAL, end.get("summary_raw"));
            assertEquals(result.get("result"), end.get("summary_raw"));

            List<String> calls = new ArrayList<>();
            for (Object c : (List<?>) end.get("tool_calls")) {
                Map<?, ?> call = (Map<?, ?>) c;
                calls.add(call.get("name") + ":" + call.get("ok"));
                assertTrue((Long) call.get("ms") >= 0);
            }
            calls.sort(null);
            assertEquals(List.of("Agent:true", "Bash:false", "Bash:true", "Bash:true"), calls, "tool calls " + end.get("tool_calls"));

            Map<String, long[]> reported = api.reported();
            assertTrue(!reported.isEmpty(), "the stand-in answered nothing");
            List<?> usage = (List<?>) end.get("llm_usage");
            assertEquals(reported.size(), usage.size(), "models: " + reported.keySet() + " vs " + usage);
            Map<?, ?> costs = (Map<?, ?>) result.get("modelUsage");
            for (Object u : usage) {
                Map<?, ?> entry = (Map<?, ?>) u;
                long[] sent = reported.get((String) entry.get("model"));
                assertEquals(sent[0], entry.get("input_tokens"), "input tokens of " + entry.get("model"));
                assertEquals(sent[1], entry.get("output_tokens"), "output tokens of " + entry.get("model"));
                double usd = ((Number) ((Map<?, ?>) costs.get(entry.get("model"))).get("costUSD")).doubleValue();
                assertEquals(usd * 100, ((Number) entry.get("cost_cents")).doubleValue(), 1e-6);
                assertEquals("claude-code", entry.get("cost_basis"));
            }
        }
    }

    static String claudeOrSkip() {
        String configured = System.getenv("CLAUDE_BIN");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Paths.get(dir, "claude");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        assumeTrue(false, "no claude on the PATH: the real-CLI test is skipped (npm install -g @anthropic-ai/claude-code)");
        return null;
    }
}
