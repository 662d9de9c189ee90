package dev.brain.sdk.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * Where serialized events wait until the brain has them: one file per batch, each line a CRC32
 * and an envelope, written to a temp name and renamed so no reader sees half a file. Bounded in
 * bytes; over the bound the oldest files go. Files are locked while being sent, so processes
 * sharing a directory (hook invocations) do not send the same batch twice at once. When the
 * directory cannot be written, batches wait in memory instead, bounded in events.
 */
public final class Spool {
    private static final String SUFFIX = ".jsonl";

    private final Path dir;
    private final long maxBytes;
    private final int memoryCapacity;
    private final AtomicLong dropped;
    private final Log log;
    private final ArrayDeque<Batch> memory = new ArrayDeque<>();
    private final Set<Path> deliveredButUndeletable = new HashSet<>();
    private final String pid = Long.toString(ProcessHandle.current().pid());
    private int memoryEvents;
    private long sequence;
    private boolean diskBroken;
    private volatile Path sending;

    /** {@code dir} null means memory only. */
    public Spool(Path dir, long maxBytes, int memoryCapacity, AtomicLong dropped, Log log) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.memoryCapacity = Math.max(1, memoryCapacity);
        this.dropped = dropped;
        this.log = log;
    }

    /** A batch claimed for sending: its envelopes, and where they live. */
    public static final class Batch {
        final List<byte[]> envelopes;
        final Path file;
        final FileChannel channel;

        Batch(List<byte[]> envelopes, Path file, FileChannel channel) {
            this.envelopes = envelopes;
            this.file = file;
            this.channel = channel;
        }

        public List<byte[]> envelopes() {
            return envelopes;
        }
    }

    /** Persists one batch of envelopes (UTF-8 JSON), on disk if possible, else in memory. */
    public synchronized void store(List<byte[]> envelopes) {
        if (envelopes.isEmpty()) {
            return;
        }
        if (dir != null && writeFile(envelopes)) {
            return;
        }
        memory.addLast(new Batch(envelopes, null, null));
        memoryEvents += envelopes.size();
        while (memoryEvents > memoryCapacity && memory.size() > 1) {
            Batch oldest = memory.removeFirst();
            memoryEvents -= oldest.envelopes.size();
            dropped.addAndGet(oldest.envelopes.size());
        }
    }

    private boolean writeFile(List<byte[]> envelopes) {
        String name = String.format("%013d-%06d-%s-%d%s", System.currentTimeMillis(), sequence++ % 1_000_000, pid,
                envelopes.size(), SUFFIX);
        Path tmp = dir.resolve("." + name + ".tmp");
        try {
            ensureDirectory();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(envelopes.size() * 512);
            CRC32 crc = new CRC32();
            for (byte[] line : envelopes) {
                crc.reset();
                crc.update(line);
                bytes.write(String.format("%08x ", crc.getValue()).getBytes(StandardCharsets.US_ASCII));
                bytes.write(line);
                bytes.write('\n');
            }
            Files.write(tmp, bytes.toByteArray(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            if (diskBroken) {
                diskBroken = false;
                log.info("spool directory " + dir + " is writable again");
            }
            enforceBound();
            return true;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            if (!diskBroken) {
                diskBroken = true;
                log.warn("cannot write the spool directory " + dir + "; keeping events in memory", e);
            }
            return false;
        }
    }

    private void ensureDirectory() throws IOException {
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

    private void enforceBound() throws IOException {
        List<Path> files = list();
        long total = 0;
        long[] sizes = new long[files.size()];
        for (int i = 0; i < files.size(); i++) {
            sizes[i] = sizeOf(files.get(i));
            total += sizes[i];
        }
        for (int i = 0; i < files.size() && total > maxBytes; i++) {
            Path oldest = files.get(i);
            if (oldest.equals(sending)) {
                continue;
            }
            if (deleteQuietly(oldest)) {
                total -= sizes[i];
                long lost = countInName(oldest);
                dropped.addAndGet(lost);
                log.warn("spool over " + maxBytes + " bytes: dropped the oldest " + lost + " events", null);
            }
        }
    }

    /** Spooled batch files, oldest first. */
    public List<Path> list() {
        if (dir == null || !Files.isDirectory(dir)) {
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

    /** Locks and reads {@code file}; null when another process has it, it is gone, or nothing in it is readable. */
    public Batch claim(Path file) {
        if (deliveredButUndeletable.contains(file)) {
            return null;
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null || !markSending(file)) {
                channel.close();
                return null;
            }
            List<byte[]> envelopes = parse(file, readAll(channel));
            if (envelopes.isEmpty()) {
                sending = null;
                channel.close();
                deleteQuietly(file);
                return null;
            }
            return new Batch(envelopes, file, channel);
        } catch (NoSuchFileException e) {
            sending = null;
            closeQuietly(channel);
            return null;
        } catch (IOException | RuntimeException e) {
            sending = null;
            closeQuietly(channel);
            log.debug("cannot read spool file " + file + ": " + e);
            return null;
        }
    }

    // Under the monitor store() holds while it enforces the bound (on the spooler thread): the
    // bound either deleted the file before we locked it, or sees it as being sent and spares it.
    private synchronized boolean markSending(Path file) {
        if (!Files.exists(file)) {
            return false;
        }
        sending = file;
        return true;
    }

    /** The oldest batch kept in memory, taken out of it; null when none. */
    public synchronized Batch claimFromMemory() {
        Batch b = memory.pollFirst();
        if (b != null) {
            memoryEvents -= b.envelopes.size();
        }
        return b;
    }

    /** The brain has the batch (or never will): forget it. */
    public void complete(Batch b) {
        if (b.file != null) {
            if (!deleteQuietly(b.file) && Files.exists(b.file)) {
                deliveredButUndeletable.add(b.file);
            }
            closeQuietly(b.channel);
            sending = null;
        }
    }

    /** The batch must be sent again later. */
    public synchronized void release(Batch b) {
        if (b.file != null) {
            closeQuietly(b.channel);
            sending = null;
        } else {
            memory.addFirst(b);
            memoryEvents += b.envelopes.size();
        }
    }

    /** Whether anything is waiting that this process could send. */
    public synchronized boolean hasBacklog() {
        if (!memory.isEmpty()) {
            return true;
        }
        for (Path p : list()) {
            if (!deliveredButUndeletable.contains(p)) {
                return true;
            }
        }
        return false;
    }

    private List<byte[]> parse(Path file, byte[] content) {
        List<byte[]> good = new ArrayList<>();
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
        long lost = Math.max(bad, countInName(file) - good.size());
        if (lost > 0) {
            dropped.addAndGet(lost);
            log.warn("spool file " + file.getFileName() + " is damaged: skipped " + lost + " events", null);
        }
        return good;
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

    private static byte[] readAll(FileChannel channel) throws IOException {
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

    private static long countInName(Path file) {
        String name = file.getFileName().toString();
        int dash = name.lastIndexOf('-');
        int dot = name.lastIndexOf('.');
        try {
            return dash < 0 || dot < dash ? 0 : Long.parseLong(name.substring(dash + 1, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean deleteQuietly(Path p) {
        try {
            return Files.deleteIfExists(p);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void closeQuietly(FileChannel c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException e) {
            // nothing to do: the lock goes with the channel
        }
    }
}
