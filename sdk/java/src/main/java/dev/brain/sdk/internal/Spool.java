package dev.brain.sdk.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where serialized events wait until the brain has them: one file per batch, each line a CRC32
 * and an envelope, written to a temp name and renamed so no reader sees half a file. Bounded in
 * bytes; over the bound the oldest files go. Files are locked while being sent, so processes
 * sharing a directory (hook invocations) do not send the same batch twice at once. When the
 * directory cannot be written, batches wait in memory instead, bounded in events.
 */
public final class Spool {
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
        String name = SpoolFiles.name(System.currentTimeMillis(), sequence++, pid, envelopes.size());
        Path tmp = dir.resolve("." + name + ".tmp");
        try {
            SpoolFiles.ensureDirectory(dir, log);
            Files.write(tmp, SpoolFiles.encode(envelopes), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            if (diskBroken) {
                diskBroken = false;
                log.info("spool directory " + dir + " is writable again");
            }
            enforceBound();
            return true;
        } catch (IOException | RuntimeException e) {
            SpoolFiles.deleteQuietly(tmp);
            if (!diskBroken) {
                diskBroken = true;
                log.warn("cannot write the spool directory " + dir + "; keeping events in memory", e);
            }
            return false;
        }
    }

    private void enforceBound() throws IOException {
        List<Path> files = list();
        long total = 0;
        long[] sizes = new long[files.size()];
        for (int i = 0; i < files.size(); i++) {
            sizes[i] = SpoolFiles.sizeOf(files.get(i));
            total += sizes[i];
        }
        for (int i = 0; i < files.size() && total > maxBytes; i++) {
            Path oldest = files.get(i);
            if (oldest.equals(sending)) {
                continue;
            }
            if (SpoolFiles.deleteQuietly(oldest)) {
                total -= sizes[i];
                long lost = SpoolFiles.countInName(oldest);
                dropped.addAndGet(lost);
                log.warn("spool over " + maxBytes + " bytes: dropped the oldest " + lost + " events", null);
            }
        }
    }

    /** Spooled batch files, oldest first. */
    public List<Path> list() {
        return dir == null ? List.of() : SpoolFiles.list(dir, log);
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
            List<byte[]> envelopes = parse(file, SpoolFiles.readAll(channel));
            if (envelopes.isEmpty()) {
                sending = null;
                channel.close();
                SpoolFiles.deleteQuietly(file);
                return null;
            }
            return new Batch(envelopes, file, channel);
        } catch (NoSuchFileException e) {
            sending = null;
            SpoolFiles.closeQuietly(channel);
            return null;
        } catch (IOException | RuntimeException e) {
            sending = null;
            SpoolFiles.closeQuietly(channel);
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
            if (!SpoolFiles.deleteQuietly(b.file) && Files.exists(b.file)) {
                deliveredButUndeletable.add(b.file);
            }
            SpoolFiles.closeQuietly(b.channel);
            sending = null;
        }
    }

    /** The batch must be sent again later. */
    public synchronized void release(Batch b) {
        if (b.file != null) {
            SpoolFiles.closeQuietly(b.channel);
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
        int bad = SpoolFiles.decode(content, good);
        long lost = Math.max(bad, SpoolFiles.countInName(file) - good.size());
        if (lost > 0) {
            dropped.addAndGet(lost);
            log.warn("spool file " + file.getFileName() + " is damaged: skipped " + lost + " events", null);
        }
        return good;
    }






}
