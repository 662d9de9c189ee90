package dev.brain.hook;

import dev.brain.sdk.Brain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Ends sessions: on SessionEnd, and for sessions whose Claude Code went away without one. The
 * process that claims a session's log first records {@code session.end}; the others find it gone.
 */
final class SessionEnding {
    private final Settings settings;
    private final Supplier<Brain> brain;

    SessionEnding(Settings settings, Supplier<Brain> brain) {
        this.settings = settings;
        this.brain = brain;
    }

    void sessionEnd(String sessionId, String transcriptPath, String reason, String category) throws IOException {
        SessionLog claimed = SessionLog.of(settings.sessions(), sessionId).claim();
        List<SessionRecord> records = claimed == null ? List.of() : claimed.records();
        end(sessionId, records, transcriptPath, System.currentTimeMillis(), reason, category);
        if (claimed != null) {
            brain.get().flush(Duration.ZERO);
            claimed.delete();
        }
    }

    /** Ends the session logged in {@code file} when its owner is gone or it has been quiet too long. */
    void closeIfAbandoned(Path file) {
        try {
            long modified = Files.getLastModifiedTime(file).toMillis();
            boolean stale = System.currentTimeMillis() - modified > settings.staleAfter().toMillis();
            SessionLog log = SessionLog.at(file);
            SessionRecord.Start start = SessionRecord.startOf(log.records());
            if (start == null) {
                if (stale) {
                    log.delete();
                }
            } else if (stale || !ClaudeProcess.alive(start)) {
                endAbandoned(log);
            }
        } catch (IOException | RuntimeException e) {
            Debug.log("cannot check " + file + ": " + e);
        }
    }

    // The Claude Code that ran this session is gone without SessionEnd: end it as of its last sign of life.
    void endAbandoned(SessionLog log) throws IOException {
        long lastSeen = Files.getLastModifiedTime(log.file()).toMillis();
        SessionLog claimed = log.claim();
        if (claimed == null) {
            return;
        }
        List<SessionRecord> records = claimed.records();
        SessionRecord.Start start = SessionRecord.startOf(records);
        String sessionId = claimed.file().getFileName().toString().replaceFirst("\\.log\\.ending-\\d+$", "");
        end(sessionId, records, start == null ? null : start.transcriptPath(), lastSeen, "abandoned",
                start == null ? null : start.category());
        brain.get().flush(Duration.ZERO);
        claimed.delete();
        Debug.log("ended abandoned session " + sessionId);
    }

    /** Records {@code session.end} (and a late {@code session.start} when the log never saw one). */
    private void end(String sessionId, List<SessionRecord> records, String transcriptPath, long endMillis, String reason,
                     String fallbackCategory) throws IOException {
        SessionRecord.Start start = SessionRecord.startOf(records);
        Map<String, Long> skip = new LinkedHashMap<>();
        for (SessionRecord r : records) {
            if (r instanceof SessionRecord.Skip s) {
                skip.put(s.file(), s.bytes());
            }
        }
        Transcript.Result t = Transcript.read(transcriptPath == null ? null : Path.of(transcriptPath), skip);
        String category = start != null ? Text.orElse(start.category(), fallbackCategory) : fallbackCategory;
        long startMillis = start != null ? start.at() : t.firstTimestamp() != null ? t.firstTimestamp().toEpochMilli() : -1;
        if (start == null) {
            brain.get().track("session.start", sessionId, Instant.ofEpochMilli(startMillis >= 0 ? startMillis : endMillis),
                    Map.of("category", category, "source", HookEventHandler.SOURCE + ":unseen-start"));
        }
        Map<String, Object> payload = EndPayload.build(records, t, Prices.load(settings.pricesFile()), category,
                startMillis >= 0 ? Math.max(0, endMillis - startMillis) : -1, reason);
        brain.get().track("session.end", sessionId, Instant.ofEpochMilli(endMillis), payload);
    }
}
