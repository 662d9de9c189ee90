package dev.brain.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Archive files on disk: written under a temporary name, synced, then renamed; checked by re-reading them. */
final class ArchiveFiles {
    /** What a file holds: its rows (COPY text lines), its size and the SHA-256 of its bytes as stored. */
    record Checked(long rows, long bytes, String sha256) {
    }

    interface Writer {
        void write(OutputStream out) throws Exception;
    }

    private ArchiveFiles() {
    }

    /** Writes gzip(`writer`'s bytes) to `target` through `target`.tmp; returns the SHA-256 of the stored bytes. */
    static String writeGzip(Path target, Writer writer) throws Exception {
        MessageDigest sha = sha256();
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (OutputStream file = Files.newOutputStream(tmp);
             GZIPOutputStream gz = new GZIPOutputStream(new DigestOutputStream(file, sha), 1 << 16)) {
            writer.write(gz);
        }
        moveDurably(tmp, target);
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Writes `bytes` to `target` through a temporary name. */
    static void writeBytes(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        moveDurably(tmp, target);
    }

    // Synced before and after the rename: after a crash the file is either absent or whole, never half written.
    private static void moveDurably(Path tmp, Path target) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException notSupported) {
            // some file systems cannot sync a directory; the rename itself is still atomic
        }
    }

    /** Re-reads a stored file: its checksum, size and row count, independent of what the writer reported. */
    static Checked check(Path file) {
        MessageDigest sha = sha256();
        long rows = 0;
        try (InputStream raw = new DigestInputStream(Files.newInputStream(file), sha);
             InputStream gz = new GZIPInputStream(raw, 1 << 16)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = gz.read(buf)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        rows++;
                    }
                }
            }
            raw.transferTo(OutputStream.nullOutputStream());
            return new Checked(rows, Files.size(file), HexFormat.of().formatHex(sha.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read archive file " + file, e);
        }
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
