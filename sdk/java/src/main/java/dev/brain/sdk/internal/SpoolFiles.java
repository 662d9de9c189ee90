package dev.brain.sdk.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The spool's directory and files. A file is named {@code <millis>-<sequence>-<pid>-<events>.jsonl}, so names sort oldest
 * first and say how many events the file should hold; each line a CRC32 in hex, a space and an envelope.
 */
final class SpoolFiles {
    static final String SUFFIX = ".jsonl";

    private SpoolFiles() {
    }

    static void ensureDirectory(Path dir, Log log) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException | IOException e) {
            log.debug("spool directory permissions left as they are: " + e);
        }
    }

    /** The batch files in {@code dir}, oldest first; temp files (dot names) are not batches yet. */
    static List<Path> list(Path dir, Log log) {
        if (!Files.isDirectory(dir)) {
            return Collections.emptyList();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (name.endsWith(SUFFIX) && !name.startsWith(".")) {
                    files.add(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("cannot list the spool directory: " + e);
        }
        Collections.sort(files);
        return files;
    }

    static String name(long millis, long sequence, String pid, int events) {
        return String.format("%013d-%06d-%s-%d%s", millis, sequence % 1_000_000, pid, events, SUFFIX);
    }

    static byte[] encode(List<byte[]> envelopes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(envelopes.size() * 512);
        CRC32 crc = new CRC32();
        for (byte[] line : envelopes) {
            crc.reset();
            crc.update(line);
            bytes.write(String.format("%08x ", crc.getValue()).getBytes(StandardCharsets.US_ASCII));
            bytes.write(line);
            bytes.write('\n');
        }
        return bytes.toByteArray();
    }

    /** Adds each intact envelope of a spool file's {@code content} to {@code good}; returns how many lines were damaged. */
    static int decode(byte[] content, List<byte[]> good) {
        int bad = 0;
        int start = 0;
        CRC32 crc = new CRC32();
        for (int i = 0; i <= content.length; i++) {
            if (i < content.length && content[i] != '\n') {
                continue;
            }
            int len = i - start;
            if (len > 0) {
                if (i == content.length) {
                    bad++;
                } else if (len > 9 && content[start + 8] == ' ' && crcMatches(crc, content, start, len)) {
                    byte[] line = new byte[len - 9];
                    System.arraycopy(content, start + 9, line, 0, line.length);
                    good.add(line);
                } else {
                    bad++;
                }
            }
            start = i + 1;
        }
        return bad;
    }

    private static boolean crcMatches(CRC32 crc, byte[] content, int start, int len) {
        long expected;
        try {
            expected = Long.parseLong(new String(content, start, 8, StandardCharsets.US_ASCII), 16);
        } catch (NumberFormatException e) {
            return false;
        }
        crc.reset();
        crc.update(content, start + 9, len - 9);
        return crc.getValue() == expected;
    }

    static byte[] readAll(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size > 64L * 1024 * 1024) {
            throw new IOException("spool file too large: " + size);
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        while (buf.hasRemaining() && channel.read(buf) >= 0) {
            // keep reading
        }
        return buf.array();
    }

    static long countInName(Path file) {
        String name = file.getFileName().toString();
        int dash = name.lastIndexOf('-');
        int dot = name.lastIndexOf('.');
        try {
            return dash < 0 || dot < dash ? 0 : Long.parseLong(name.substring(dash + 1, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    static boolean deleteQuietly(Path p) {
        try {
            return Files.deleteIfExists(p);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static void closeQuietly(FileChannel c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException e) {
            // nothing to do: the lock goes with the channel
        }
    }
}
