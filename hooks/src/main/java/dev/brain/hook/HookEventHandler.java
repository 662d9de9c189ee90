package dev.brain.hook;

import dev.brain.sdk.Brain;
import dev.brain.sdk.BrainLogger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.brain.hook.Text.orElse;

/**
 * Handles one hook event: appends it to the session's log and, at the session's edges, records
 * brain events. Tool and permission events only append a line to the log (no SDK, no network);
 * SessionStart, StopFailure and SessionEnd record events through the SDK, which spools them before sending.
 */
final class HookEventHandler {
    private static final Set<String> HUMAN_NOTIFICATIONS = Set.of("permission_prompt", "idle_prompt", "elicitation_dialog");
    static final String SOURCE = "claude-code";

    private final Settings settings;
    private final long processStartMillis;
    private final SessionEnding ending;
    private Brain brain;

    HookEventHandler(Settings settings, long processStartMillis) {
        this.settings = settings;
        this.processStartMillis = processStartMillis;
        this.ending = new SessionEnding(settings, this::brain);
    }

    void handle(HookInput in) throws IOException {
        String event = in.event();
        String sessionId = in.sessionId();
        if (event == null || sessionId == null) {
            Debug.log("no hook_event_name or session_id; nothing to record");
            return;
        }
        long now = System.currentTimeMillis();
        switch (event) {
            case "SessionStart" -> sessionStart(in, sessionId, now);
            case "PreToolUse" -> log(sessionId).append(new SessionRecord.Pre(now, in.text("tool_use_id")));
            case "PostToolUse", "PostToolUseFailure" -> log(sessionId).append(new SessionRecord.Tool(now,
                    orElse(in.text("tool_name"), "unknown"), in.count("duration_ms"), event.equals("PostToolUse"),
                    in.text("tool_use_id")));
            case "PermissionRequest" -> log(sessionId).append(new SessionRecord.Escalate(now,
                    "permission requested for " + orElse(in.text("tool_name"), "a tool")));
            case "Notification" -> {
                if (asksHuman(in)) {
                    log(sessionId).append(new SessionRecord.Escalate(now, orElse(in.text("message"), "waiting for a human")));
                }
            }
            case "StopFailure" -> stopFailure(in, sessionId, now);
            case "SessionEnd" -> ending.sessionEnd(sessionId, in.text("transcript_path"), orElse(in.text("reason"), "other"),
                    category(in));
            default -> Debug.log("ignoring " + event);
        }
    }

    /** Sends what this process recorded (and what earlier ones left), waiting at most {@code budget} after main began. */
    void finish(Duration budget) {
        if (brain != null) {
            long left = processStartMillis + budget.toMillis() - System.currentTimeMillis();
            brain.flush(Duration.ofMillis(Math.max(0, left)));
        }
    }

    private SessionLog log(String sessionId) throws IOException {
        return SessionLog.of(settings.sessions(), sessionId);
    }

    private Brain brain() {
        if (brain == null) {
            brain = Brain.builder()
                    .apiKey(settings.apiKey())
                    .endpoint(settings.endpoint())
                    .spoolDir(settings.home())
                    .heartbeatInterval(Duration.ZERO)
                    .shutdownTimeout(Duration.ZERO)
                    .shutdownHook(false)
                    .agentVersion("brain-hook/" + Main.VERSION)
                    .logger(Debug.ON ? BrainLogger.stderr(BrainLogger.Level.DEBUG) : BrainLogger.SILENT)
                    .build();
        }
        return brain;
    }

    private static boolean asksHuman(HookInput in) {
        String type = in.text("notification_type");
        if (type != null) {
            return HUMAN_NOTIFICATIONS.contains(type);
        }
        String message = orElse(in.text("message"), "").toLowerCase(Locale.ROOT);
        return message.contains("permission") || message.contains("waiting for your input");
    }

    private void sessionStart(HookInput in, String sessionId, long now) throws IOException {
        SessionLog log = log(sessionId);
        SessionRecord.Start start = SessionRecord.startOf(log.exists() ? log.records() : List.of());
        if (start != null && ClaudeProcess.alive(start)) {
            Debug.log("session " + sessionId + " continues (" + in.text("source") + ")");
        } else {
            if (start != null) {
                ending.endAbandoned(log);
            }
            String category = category(in);
            String source = SOURCE + ":" + orElse(in.text("source"), "startup");
            Optional<ProcessHandle> owner = ClaudeProcess.owner();
            log.append(new SessionRecord.Start(now, source, in.text("model"), category,
                    owner.map(ProcessHandle::pid).orElse(-1L),
                    owner.flatMap(h -> h.info().startInstant()).map(Instant::toEpochMilli).orElse(-1L),
                    in.text("transcript_path")));
            if (!Set.of("startup", "clear").contains(orElse(in.text("source"), "startup"))) {
                recordSkips(log, in.text("transcript_path"));
            }
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("category", category);
            payload.put("source", source);
            if (in.text("model") != null) {
                payload.put("model", in.text("model"));
            }
            brain().track("session.start", sessionId, Instant.ofEpochMilli(now), payload);
        }
        for (Path other : SessionLog.others(settings.sessions(), sessionId)) {
            ending.closeIfAbandoned(other);
        }
    }

    // A resumed session's transcript already holds the earlier run's lines: not ours to count. (A new
    // session's file may already hold its first answer when this hook runs late, async: never skipped.)
    private static void recordSkips(SessionLog log, String transcript) throws IOException {
        if (transcript == null) {
            return;
        }
        Path main = Path.of(transcript);
        List<Path> files = new ArrayList<>(List.of(main));
        String name = main.getFileName().toString();
        Path subagents = main.resolveSibling(name.replaceFirst("\\.jsonl$", "")).resolve("subagents");
        if (Files.isDirectory(subagents)) {
            try (var list = Files.newDirectoryStream(subagents, "*.jsonl")) {
                list.forEach(files::add);
            }
        }
        for (Path f : files) {
            long size = Files.isRegularFile(f) ? Files.size(f) : 0;
            if (size > 0) {
                log.append(new SessionRecord.Skip(size, f.toString()));
            }
        }
    }

    private void stopFailure(HookInput in, String sessionId, long now) throws IOException {
        String kind = orElse(in.text("error"), "unknown");
        String message = orElse(in.text("error_details"), kind);
        log(sessionId).append(new SessionRecord.Fail(now, kind + ": " + Text.oneLine(message, 500)));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("message", message);
        payload.put("kind", "claude_code." + kind);
        payload.put("stack_hash", "sha256:" + sha256("claude-code/StopFailure/" + kind));
        brain().track("error", sessionId, Instant.ofEpochMilli(now), payload);
    }

    private String category(HookInput in) {
        if (settings.category() != null) {
            return settings.category();
        }
        String dir = orElse(System.getenv("CLAUDE_PROJECT_DIR"), in.text("cwd"));
        if (dir != null) {
            Path name = Path.of(dir).getFileName();
            if (name != null && !name.toString().isBlank()) {
                return name.toString();
            }
        }
        return "claude-code";
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
