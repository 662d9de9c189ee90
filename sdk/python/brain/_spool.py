"""Where serialized events wait until the brain has them: one file per batch, each line a CRC32 and an envelope,
written to a temp name and renamed so no reader sees half a file. Bounded in bytes; over the bound the oldest files
go. A file is locked (POSIX record lock, as the Java SDK's) while being sent, so processes sharing a directory never
send the same batch at once. When the directory cannot be written, batches wait in memory, bounded in events.
The format, names and locks are the Java SDK's."""
import collections
import fcntl
import os
import threading
import time
import zlib

SUFFIX = ".jsonl"
MAX_FILE = 64 * 1024 * 1024


class Batch:
    __slots__ = ("lines", "path", "fd")

    def __init__(self, lines, path=None, fd=-1):
        self.lines = lines
        self.path = path
        self.fd = fd


def encode(lines):
    return b"".join(b"%08x %s\n" % (zlib.crc32(line) & 0xFFFFFFFF, line) for line in lines)


def decode(content):
    """(intact envelopes, damaged line count) of a spool file's bytes."""
    good, bad = [], 0
    parts = content.split(b"\n")
    last = parts.pop()
    if last:
        bad += 1
    for line in parts:
        if not line:
            continue
        if len(line) > 9 and line[8:9] == b" ":
            try:
                expected = int(line[:8], 16)
            except ValueError:
                expected = -1
            if zlib.crc32(line[9:]) & 0xFFFFFFFF == expected:
                good.append(line[9:])
                continue
        bad += 1
    return good, bad


def count_in_name(path):
    name = os.path.basename(path)
    try:
        return int(name[name.rindex("-") + 1:name.rindex(".")])
    except ValueError:
        return 0


class Spool:
    def __init__(self, directory, max_bytes, memory_capacity, dropped, log):
        self.dir = directory
        self._max_bytes = max_bytes
        self._capacity = max(1, memory_capacity)
        self._dropped = dropped
        self._log = log
        self._reset()

    def _reset(self):
        self._lock = threading.Lock()
        self._memory = collections.deque()
        self._memory_events = 0
        self._undeletable = set()
        self._sequence = 0
        self._disk_broken = False
        self._sending = None

    def after_fork_in_child(self):
        """The parent's batches and its claimed file are the parent's: forget them (closing only our copy of the fd)."""
        sending = self._sending
        if sending is not None and sending.fd >= 0:
            try:
                os.close(sending.fd)
            except OSError:
                pass
        self._reset()

    def store(self, lines):
        if not lines:
            return
        with self._lock:
            if self.dir is not None and self._write_file(lines):
                return
            self._memory.append(Batch(lines))
            self._memory_events += len(lines)
            while self._memory_events > self._capacity and len(self._memory) > 1:
                oldest = self._memory.popleft()
                self._memory_events -= len(oldest.lines)
                self._dropped.add(len(oldest.lines))

    def _write_file(self, lines):
        name = "%013d-%06d-%d-%d%s" % (int(time.time() * 1000), self._sequence % 1000000, os.getpid(), len(lines), SUFFIX)
        self._sequence += 1
        tmp = os.path.join(self.dir, "." + name + ".tmp")
        try:
            if not os.path.isdir(self.dir):
                os.makedirs(self.dir, 0o700, exist_ok=True)
                os.chmod(self.dir, 0o700)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                data = memoryview(encode(lines))
                while data:
                    data = data[os.write(fd, data):]
            finally:
                os.close(fd)
            os.replace(tmp, os.path.join(self.dir, name))
            if self._disk_broken:
                self._disk_broken = False
                self._log.info("spool directory %s is writable again" % self.dir)
            self._enforce_bound()
            return True
        except Exception as e:
            _remove(tmp)
            if not self._disk_broken:
                self._disk_broken = True
                self._log.warning("cannot write the spool directory %s; keeping events in memory" % self.dir, e)
            return False

    def _enforce_bound(self):
        files = self.list()
        sizes = [_size(f) for f in files]
        total = sum(sizes)
        sending = self._sending.path if self._sending is not None else None
        for path, size in zip(files, sizes):
            if total <= self._max_bytes:
                break
            if path == sending:
                continue
            if _remove(path):
                total -= size
                lost = count_in_name(path)
                self._dropped.add(lost)
                self._log.warning("spool over %d bytes: dropped the oldest %d events" % (self._max_bytes, lost))

    def list(self):
        """Spooled batch files, oldest first; temp files (dot names) are not batches yet."""
        if self.dir is None:
            return []
        try:
            names = os.listdir(self.dir)
        except OSError:
            return []
        return [os.path.join(self.dir, n) for n in sorted(names) if n.endswith(SUFFIX) and not n.startswith(".")]

    def claim(self, path):
        """Locks and reads path; None when another process has it, it is gone, or nothing in it is readable."""
        if path in self._undeletable:
            return None
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            return None
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(fd).st_nlink == 0:
                raise FileNotFoundError(path)
        except OSError:
            os.close(fd)
            return None
        batch = Batch(None, path, fd)
        with self._lock:
            if self._sending is not None:
                os.close(fd)
                return None
            self._sending = batch
        try:
            size = os.fstat(fd).st_size
            if size > MAX_FILE:
                raise OSError("spool file too large: %d" % size)
            chunks = []
            while True:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
            batch.lines = self._parse(path, b"".join(chunks))
        except Exception as e:
            self._log.debug("cannot read spool file %s: %s" % (path, e))
            self._finish(batch)
            return None
        if not batch.lines:
            _remove(path)
            self._finish(batch)
            return None
        return batch

    def claim_from_memory(self):
        with self._lock:
            if not self._memory:
                return None
            batch = self._memory.popleft()
            self._memory_events -= len(batch.lines)
            return batch

    def complete(self, batch):
        """The brain has the batch (or never will): forget it."""
        if batch.path is not None:
            if not _remove(batch.path) and os.path.exists(batch.path):
                self._undeletable.add(batch.path)
            self._finish(batch)

    def release(self, batch):
        """The batch must be sent again later."""
        if batch.path is not None:
            self._finish(batch)
        else:
            with self._lock:
                self._memory.appendleft(batch)
                self._memory_events += len(batch.lines)

    def has_backlog(self):
        with self._lock:
            if self._memory:
                return True
        return any(p not in self._undeletable for p in self.list())

    def _finish(self, batch):
        with self._lock:
            if self._sending is batch:
                self._sending = None
            try:
                os.close(batch.fd)
            except OSError:
                pass
            batch.fd = -1

    def _parse(self, path, content):
        good, bad = decode(content)
        lost = max(bad, count_in_name(path) - len(good))
        if lost > 0:
            self._dropped.add(lost)
            self._log.warning("spool file %s is damaged: skipped %d events" % (os.path.basename(path), lost))
        return good


def _size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _remove(path):
    try:
        os.remove(path)
        return True
    except OSError:
        return False
