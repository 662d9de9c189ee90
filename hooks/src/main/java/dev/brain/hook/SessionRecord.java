package dev.brain.hook;

import java.util.List;

/**
 * One line of a {@link SessionLog}. On disk a record is its kind and its fields in a fixed order,
 * tab-separated; the order is the file format, so a hook upgraded mid-session reads the lines the
 * previous version wrote. Times are epoch milliseconds, -1 when unknown; empty text reads as null.
 */
sealed interface SessionRecord {

    /** The fields as written, kind first. */
    String[] fields();

    /** SessionStart: who owns the session (the Claude Code process) and where its transcript is. */
    record Start(long at, String source, String model, String category, long ownerPid, long ownerStartMillis,
                 String transcriptPath) implements SessionRecord {
        public String[] fields() {
            return new String[] {"start", number(at), source, model, category, number(ownerPid),
                    number(ownerStartMillis), transcriptPath};
        }
    }

    /** PreToolUse: when a tool call began. */
    record Pre(long at, String toolUseId) implements SessionRecord {
        public String[] fields() {
            return new String[] {"pre", number(at), toolUseId};
        }
    }

    /** PostToolUse / PostToolUseFailure; {@code durationMs} -1 when the hook did not say. */
    record Tool(long at, String name, long durationMs, boolean ok, String toolUseId) implements SessionRecord {
        public String[] fields() {
            return new String[] {"tool", number(at), name, Long.toString(durationMs), ok ? "1" : "0", toolUseId};
        }
    }

    /** A human was asked (permission, input): the session escalated. */
    record Escalate(long at, String reason) implements SessionRecord {
        public String[] fields() {
            return new String[] {"escalate", number(at), reason};
        }
    }

    /** StopFailure: the session failed. */
    record Fail(long at, String reason) implements SessionRecord {
        public String[] fields() {
            return new String[] {"fail", number(at), reason};
        }
    }

    /** The first {@code bytes} of transcript {@code file} belong to an earlier run of a resumed session. */
    record Skip(long bytes, String file) implements SessionRecord {
        public String[] fields() {
            return new String[] {"skip", Long.toString(bytes), file};
        }
    }

    /** The record on one line, or null for a kind this version does not know or a line too short for its kind. */
    static SessionRecord read(String[] f) {
        switch (f[0]) {
            case "start":
                return new Start(number(f, 1), text(f, 2), text(f, 3), text(f, 4), number(f, 5), number(f, 6), text(f, 7));
            case "pre":
                return text(f, 2) == null ? null : new Pre(number(f, 1), f[2]);
            case "tool":
                return f.length < 5 ? null : new Tool(number(f, 1), f[2], number(f, 3), f[4].equals("1"), text(f, 5));
            case "escalate":
                return new Escalate(number(f, 1), text(f, 2));
            case "fail":
                return new Fail(number(f, 1), text(f, 2));
            case "skip":
                return f.length < 3 ? null : new Skip(parse(f[1], 0), f[2]);
            default:
                return null;
        }
    }

    /** The first start among {@code records}; null when the log never saw SessionStart. */
    static Start startOf(List<SessionRecord> records) {
        for (SessionRecord r : records) {
            if (r instanceof Start start) {
                return start;
            }
        }
        return null;
    }

    private static String number(long n) {
        return n < 0 ? "" : Long.toString(n);
    }

    private static String text(String[] f, int i) {
        return f.length <= i || f[i].isEmpty() ? null : f[i];
    }

    private static long number(String[] f, int i) {
        return parse(text(f, i), -1);
    }

    static long parse(String s, long fallback) {
        try {
            return s == null ? fallback : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
