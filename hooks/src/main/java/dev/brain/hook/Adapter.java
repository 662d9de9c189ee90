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

/**
 * Maps one hook invocation to the session's log and, at the session's edges, to brain events.
 * Tool and permission events only append a line to the log (no SDK, no network); SessionStart,
 * StopFailure and SessionEnd record events through the SDK, which spools them before sending.
 */
final class Adapter {
    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "zsh", "ash", "ksh", "busybox", "env");
    private static final Set<String> HUMAN_NOTIFICATIONS = Set.of("permission_prompt", "idle_prompt", "elicitation_dialog");
    static final String SOURCE = "claude-code";

    private final Settings settings;
    private final long processStartMillis;
    private Brain brain;

    Adapter(Settings settings, long processStartMillis) {
        this.settings = settings;
        this.processStartMillis = processStartMillis;
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
            case "PreToolUse" -> log(sessionId).append("pre", Long.toString(now), in.text("tool_use_id"));
            case "PostToolUse", "PostToolUseFailure" -> log(sessionId).append("tool", Long.toString(now),
                    orElse(in.text("tool_name"), "unknown"), Long.toString(in.count("duration_ms")),
                    event.equals("PostToolUse") ? "1" : "0", in.text("tool_use_id"));
            case "PermissionRequest" -> log(sessionId).append("escalate", Long.toString(now),
                    "permission requested for " + orElse(in.text("tool_name"), "a tool"));
            case "Notification" -> {
                if (asksHuman(in)) {
                    log(sessionId).append("escalate", Long.toString(now), orElse(in.text("message"), "waiting for a human"));
                }
            }
            case "StopFailure" -> stopFailure(in, sessionId, now);
            case "SessionEnd" -> sessionEnd(in, sessionId);
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
        List<String[]> earlier = log.exists() ? log.records() : List.of();
        String[] start = find(earlier, "start");
        if (start != null && ownerAlive(start)) {
            Debug.log("session " + sessionId + " continues (" + in.text("source") + ")");
        } else {
            if (start != null) {
                endAbandoned(log);
            }
            String category = category(in);
            String source = SOURCE + ":" + orElse(in.text("source"), "startup");
            Optional<ProcessHandle> owner = owner();
            log.append("start", Long.toString(now), source, in.text("model"), category,
                    owner.map(h -> Long.toString(h.pid())).orElse(""),
                    owner.flatMap(h -> h.info().startInstant()).map(i -> Long.toString(i.toEpochMilli())).orElse(""),
                    in.text("transcript_path"));
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
            closeIfAbandoned(other);
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
                log.append("skip", Long.toString(size), f.toString());
            }
        }
    }

    private void stopFailure(HookInput in, String sessionId, long now) throws IOException {
        String kind = orElse(in.text("error"), "unknown");
        String message = orElse(in.text("error_details"), kind);
        log(sessionId).append("fail", Long.toString(now), kind + ": " + oneLine(message, 500));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("message", message);
        payload.put("kind", "claude_code." + kind);
        payload.put("stack_hash", "sha256:" + sha256("claude-code/StopFailure/" + kind));
        brain().track("error", sessionId, Instant.ofEpochMilli(now), payload);
    }

    private void sessionEnd(HookInput in, String sessionId) throws IOException {
        SessionLog log = log(sessionId);
        SessionLog claimed = log.claim();
        List<String[]> records = claimed == null ? List.of() : claimed.records();
        String transcript = in.text("transcript_path");
        end(sessionId, records, transcript, System.currentTimeMillis(), orElse(in.text("reason"), "other"), category(in));
        if (claimed != null) {
            brain().flush(Duration.ZERO);
            claimed.delete();
        }
    }

    private void closeIfAbandoned(Path file) {
        try {
            long modified = Files.getLastModifiedTime(file).toMillis();
            boolean stale = System.currentTimeMillis() - modified > settings.staleAfter().toMillis();
            SessionLog log = SessionLog.at(file);
            List<String[]> records = log.records();
            String[] start = find(records, "start");
            if (start == null) {
                if (stale) {
                    log.delete();
                }
            } else if (stale || !ownerAlive(start)) {
                endAbandoned(log);
            }
        } catch (IOException | RuntimeException e) {
            Debug.log("cannot check " + file + ": " + e);
        }
    }

    // The Claude Code that ran this session is gone without SessionEnd: end it as of its last sign of life.
    private void endAbandoned(SessionLog log) throws IOException {
        long lastSeen = Files.getLastModifiedTime(log.file()).toMillis();
        SessionLog claimed = log.claim();
        if (claimed == null) {
            return;
        }
        List<String[]> records = claimed.records();
        String[] start = find(records, "start");
        String sessionId = claimed.file().getFileName().toString().replaceFirst("\\.log\\.ending-\\d+$", "");
        end(sessionId, records, field(start, 7), lastSeen, "abandoned", field(start, 4));
        brain().flush(Duration.ZERO);
        claimed.delete();
        Debug.log("ended abandoned session " + sessionId);
    }

    /** Records {@code session.end} (and a late {@code session.start} when the log never saw one). */
    private void end(String sessionId, List<String[]> records, String transcriptPath, long endMillis, String reason,
                     String fallbackCategory) throws IOException {
        String[] start = find(records, "start");
        Map<String, Long> skip = new LinkedHashMap<>();
        for (String[] r : records) {
            if (r[0].equals("skip") && r.length >= 3) {
                skip.put(r[2], parse(r[1], 0));
            }
        }
        Transcript.Result t = Transcript.read(transcriptPath == null ? null : Path.of(transcriptPath), skip);
        String category = start != null ? orElse(field(start, 4), fallbackCategory) : fallbackCategory;
        long startMillis = start != null ? parse(start[1], -1) : t.firstTimestamp() != null ? t.firstTimestamp().toEpochMilli() : -1;
        if (start == null) {
            brain().track("session.start", sessionId, Instant.ofEpochMilli(startMillis >= 0 ? startMillis : endMillis),
                    Map.of("category", category, "source", SOURCE + ":unseen-start"));
        }
        Map<String, Object> payload = EndPayload.build(records, t, Prices.load(settings.pricesFile()), category,
                startMillis >= 0 ? Math.max(0, endMillis - startMillis) : -1, reason);
        brain().track("session.end", sessionId, Instant.ofEpochMilli(endMillis), payload);
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

    // Claude Code runs hooks through a shell; the first ancestor that is not one is Claude Code itself.
    private static Optional<ProcessHandle> owner() {
        Optional<ProcessHandle> p = ProcessHandle.current().parent();
        for (int depth = 0; depth < 4 && p.isPresent(); depth++) {
            String command = p.get().info().command().orElse("");
            if (!SHELLS.contains(command.substring(command.lastIndexOf('/') + 1))) {
                return p;
            }
            p = p.get().parent();
        }
        return p;
    }

    private static boolean ownerAlive(String[] start) {
        long pid = parse(field(start, 5), -1);
        if (pid <= 0) {
            return true;
        }
        long started = parse(field(start, 6), -1);
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(h -> started < 0 || h.info().startInstant().map(i -> i.toEpochMilli() == started).orElse(true))
                .orElse(false);
    }

    static String[] find(List<String[]> records, String kind) {
        for (String[] r : records) {
            if (r[0].equals(kind)) {
                return r;
            }
        }
        return null;
    }

    static String field(String[] record, int i) {
        return record == null || record.length <= i || record[i].isEmpty() ? null : record[i];
    }

    static long parse(String s, long fallback) {
        try {
            return s == null ? fallback : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Whitespace runs become one space; cut at {@code max} characters without splitting a surrogate pair. */
    static String oneLine(String text, int max) {
        String line = text.replaceAll("\\s+", " ").trim();
        if (line.length() <= max) {
            return line;
        }
        int end = Character.isHighSurrogate(line.charAt(max - 1)) ? max - 1 : max;
        return line.substring(0, end);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
