package dev.brain.hook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of one Claude Code session between hook processes: an append-only text file, one
 * record per line, fields separated by tabs. Each append is a single small write to a file
 * opened for appending, so concurrent hooks of one session do not interleave within a line.
 * Whoever ends the session first renames the file away ({@link #claim}); only that process
 * emits {@code session.end}.
 */
final class SessionLog {
    private static final String SUFFIX = ".log";
    private static final String CLAIM = ".ending-";

    private final Path file;

    private SessionLog(Path file) {
        this.file = file;
    }

    /** The log of {@code sessionId} under {@code dir} (created 0700 when missing). */
    static SessionLog of(Path dir, String sessionId) throws IOException {
        ensureDir(dir);
        return new SessionLog(dir.resolve(fileName(sessionId)));
    }

    private static void ensureDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException notPosix) {
                Debug.log("cannot restrict " + dir + " to its owner");
            }
        }
    }

    /** Session ids are UUIDs; anything else is made safe for a file name. */
    static String fileName(String sessionId) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sessionId.length() && b.length() < 120; i++) {
            char c = sessionId.charAt(i);
            b.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' ? c : '_');
        }
        if (!b.toString().equals(sessionId)) {
            b.append('-').append(Integer.toHexString(sessionId.hashCode()));
        }
        return b + SUFFIX;
    }

    /** The logs of every session but {@code exceptSessionId}. */
    static List<Path> others(Path dir, String exceptSessionId) {
        List<Path> out = new ArrayList<>();
        String own = fileName(exceptSessionId);
        releaseDeadClaims(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                if (!f.getFileName().toString().equals(own)) {
                    out.add(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            Debug.log("cannot list " + dir + ": " + e);
        }
        return out;
    }

    // A SessionEnd hook that Claude Code killed (its budget is ~1.5 s) after claiming a log but before recording
    // session.end leaves the log claimed by a dead process: hand it back, so the next hook ends the session.
    private static void releaseDeadClaims(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX + CLAIM + "*")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                int at = name.lastIndexOf(CLAIM);
                long pid = Long.parseLong(name.substring(at + CLAIM.length()));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                Path released = f.resolveSibling(name.substring(0, at));
                if (!Files.exists(released)) {
                    Files.move(f, released, StandardCopyOption.ATOMIC_MOVE);
                    Debug.log("released " + name + ": its claimer is gone");
                }
            }
        } catch (IOException | RuntimeException e) {
            Debug.log("cannot release dead claims in " + dir + ": " + e);
        }
    }

    static SessionLog at(Path file) {
        return new SessionLog(file);
    }

    Path file() {
        return file;
    }

    boolean exists() {
        return Files.exists(file);
    }

    /** Appends one record; tabs and line breaks inside fields become spaces. */
    void append(SessionRecord record) throws IOException {
        String[] fields = record.fields();
        StringBuilder line = new StringBuilder(64);
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                line.append('\t');
            }
            String f = fields[i] == null ? "" : fields[i];
            for (int j = 0; j < f.length() && j < 4000; j++) {
                char c = f.charAt(j);
                line.append(c == '\t' || c == '\n' || c == '\r' ? ' ' : c);
            }
        }
        line.append('\n');
        Files.write(file, line.toString().getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /** Every record this version knows, in order; an unreadable log reads as empty. */
    List<SessionRecord> records() {
        List<SessionRecord> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                SessionRecord record = line.isEmpty() ? null : SessionRecord.read(line.split("\t", -1));
                if (record != null) {
                    out.add(record);
                }
            }
        } catch (IOException | RuntimeException e) {
            Debug.log("session log " + file + " unreadable: " + e);
        }
        return out;
    }

    /** Renames the log away so no other process ends the session too; null when someone else did. */
    SessionLog claim() {
        Path claimed = file.resolveSibling(file.getFileName() + CLAIM + ProcessHandle.current().pid());
        try {
            Files.move(file, claimed, StandardCopyOption.ATOMIC_MOVE);
            return new SessionLog(claimed);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException | RuntimeException e) {
            Debug.log("cannot claim " + file + ": " + e);
            return null;
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            Debug.log("cannot delete " + file + ": " + e);
        }
    }
}
