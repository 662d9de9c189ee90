"""The machinery behind a client. Agent threads only enqueue into a bounded deque; one daemon thread (the spooler)
serializes events into the spool at least every flush interval, another (the sender) sends the spool. Two threads,
so that a send hung on a brain that accepts connections but never answers never keeps events off the disk."""
import collections
import os
import sys
import threading
import time
import uuid
import weakref

from . import _payloads as P
from ._delivery import Backoff, Counter, Delivery
from ._spool import Spool

_ENGINES = weakref.WeakSet()
_FORK_HOOK = []


class Engine:
    def __init__(self, settings, log):
        self.settings = settings
        self.log = log
        self.instance_id = "sdk_" + uuid.uuid4().hex[:16]
        self.dropped = Counter()
        self.buffer = collections.deque(maxlen=settings.buffer_capacity)
        self.spool = Spool(settings.spool_dir, settings.spool_max_bytes, settings.buffer_capacity, self.dropped, log)
        self.delivery = Delivery(settings.transport, self.spool, Backoff(settings.max_retry_backoff), self.dropped, log)
        self.closed = False
        self._started = time.time()
        self._threads()

    def _threads(self):
        self._write_lock = threading.Lock()
        self._spool_wake = threading.Event()
        self._send_wake = threading.Event()
        self._progress = threading.Condition()
        self._cycles_started = 0
        self._cycles_completed = 0
        self._backlog = False
        self._running = True
        self.accepting = True
        self._spooler = threading.Thread(target=self._spool_loop, name="brain-sdk-spooler", daemon=True)
        self._sender = threading.Thread(target=self._send_loop, name="brain-sdk-sender", daemon=True)

    def start(self):
        self._spooler.start()
        self._sender.start()
        _ENGINES.add(self)
        if not _FORK_HOOK and hasattr(os, "register_at_fork"):
            _FORK_HOOK.append(True)
            os.register_at_fork(after_in_child=_after_fork_in_child)

    def enqueue(self, event):
        """On the agent's thread: an append to a bounded deque (full drops the oldest, counted), no I/O."""
        if not self.accepting:
            return
        buffer = self.buffer
        if len(buffer) >= self.settings.buffer_capacity:
            self.dropped.add(1)
        buffer.append(event)
        if len(buffer) % self.settings.batch_size == 0:
            self._spool_wake.set()

    def drain(self):
        """Moves every buffered event into the spool, serialized, in batches within the brain's limits; True if any."""
        with self._write_lock:
            buffer = self.buffer
            batch_size = self.settings.batch_size
            any_events = False
            while buffer:
                events = []
                try:
                    while len(events) < batch_size:
                        events.append(buffer.popleft())
                except IndexError:
                    pass
                any_events = True
                lines, size = [], 0
                for event in events:
                    line = self._serialize(event)
                    if line is None:
                        continue
                    if lines and size + len(line) > P.BATCH_BYTES:
                        self._store(lines)
                        lines, size = [], 0
                    lines.append(line)
                    size += len(line) + 1
                self._store(lines)
            return any_events

    def _store(self, lines):
        # Each batch can go at once: a long drain (a burst of events) must not hold the sender back until it ends.
        self.spool.store(lines)
        if lines and time.monotonic() >= self.delivery.backoff_until:
            self._send_wake.set()

    def _serialize(self, event):
        event_type, session_id, ts, payload = event
        try:
            if isinstance(payload, dict):
                raw = P.sized(lambda level: P.fields(payload, level))
            else:
                raw = P.sized(payload)
            if raw is not None:
                return b"".join((b'{"event_id":"', str(uuid.uuid4()).encode("ascii"), b'","ts":"', _timestamp(ts),
                                 b'","event_type":', P.encode(P.text(event_type, P.SHORT)), b',"session_id":',
                                 P.encode(P.text(session_id, P.SHORT)), b',"payload":', raw, b"}"))
            self.log.warning("dropped a %s event: its payload does not fit the brain's 32 KiB limit" % P.printable(event_type))
        except BaseException as e:
            self.log.warning("dropped an event that could not be serialized", e)
        self.dropped.add(1)
        return None

    def flush(self, timeout):
        """Writes everything recorded so far to the spool on this thread, then waits at most timeout seconds for the
        sender to deliver it. True when nothing is left to send."""
        deadline = time.monotonic() + max(0.0, timeout)
        self.drain()
        current = threading.current_thread()
        if not self._sender.is_alive() or current is self._sender or current is self._spooler:
            return False
        with self._progress:
            target = self._cycles_started + 1
        self._send_wake.set()
        with self._progress:
            while True:
                if self._cycles_completed >= target:
                    if not self._backlog and not self.buffer:
                        return True
                    if self.delivery.backoff_until > deadline:
                        return False
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._sender.is_alive():
                    return False
                self._progress.wait(remaining)

    def close(self):
        """Flushes for at most the shutdown timeout, stops both threads, spools what is left. Idempotent."""
        if self.closed:
            return
        self.closed = True
        if self.dropped.get() > 0:
            self.enqueue_heartbeat()
        delivered = self.flush(self.settings.shutdown_timeout)
        self.accepting = False
        self._running = False
        self._spool_wake.set()
        self._send_wake.set()
        self._spooler.join(0.25)
        self._sender.join(0.25)
        self.drain()
        close = getattr(self.settings.transport, "close", None)
        if close is not None and not self._sender.is_alive():
            try:
                close()
            except BaseException:
                pass
        if not delivered:
            self.log.info("closed with events left in the spool; the next start sends them")

    def enqueue_heartbeat(self):
        payload = P.heartbeat(self.settings.agent_version, self._uptime(), self.dropped.take())
        if len(self.buffer) >= self.settings.buffer_capacity:
            self.dropped.add(1)
        self.buffer.append(("heartbeat", self.instance_id, time.time(), payload))

    def _uptime(self):
        try:
            with open("/proc/self/stat") as f:
                start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
            with open("/proc/uptime") as f:
                since_boot = float(f.read().split()[0])
            return int(since_boot - start_ticks / os.sysconf("SC_CLK_TCK"))
        except Exception:
            return int(time.time() - self._started)

    def _spool_loop(self):
        interval = self.settings.flush_interval
        every = self.settings.heartbeat_interval
        next_flush = time.monotonic() + interval
        next_heartbeat = time.monotonic() + every
        while self._running:
            self._spool_wake.clear()
            try:
                now = time.monotonic()
                if every > 0 and now >= next_heartbeat:
                    self.enqueue_heartbeat()
                    next_heartbeat = now + every
                self.drain()
            except BaseException as e:
                self.log.error("unexpected failure in the spooler; continuing", e)
            now = time.monotonic()
            if now >= next_flush:
                next_flush = now + interval
            wait = next_flush - now
            if every > 0:
                wait = min(wait, next_heartbeat - now)
            if self._running:
                self._spool_wake.wait(max(0.0, wait))

    def _send_loop(self):
        interval = self.settings.flush_interval
        while self._running:
            self._send_wake.clear()
            with self._progress:
                self._cycles_started += 1
                cycle = self._cycles_started
            more = True
            try:
                if time.monotonic() >= self.delivery.backoff_until:
                    self.delivery.send_spool(lambda: self._running)
                more = self.spool.has_backlog()
            except BaseException as e:
                self.log.error("unexpected failure in the sender; continuing", e)
            with self._progress:
                self._cycles_completed = cycle
                self._backlog = more
                self._progress.notify_all()
            wait = interval
            until_retry = self.delivery.backoff_until - time.monotonic()
            if more and until_retry > 0:
                wait = min(wait, until_retry)
            if self._running:
                self._send_wake.wait(wait)

    def after_fork_in_child(self):
        """The child gets its own threads and a clean slate: the parent's buffered events are the parent's to send."""
        self.buffer.clear()
        self.dropped = Counter()
        self.spool._dropped = self.dropped
        self.delivery._dropped = self.dropped
        self.spool.after_fork_in_child()
        self.delivery.backoff_until = 0.0
        self.instance_id = "sdk_" + uuid.uuid4().hex[:16]
        self._started = time.time()
        self._threads()
        if self.closed:
            self.accepting = False
            return
        self._spooler.start()
        self._sender.start()
        _close_at_multiprocessing_exit(self)


def _after_fork_in_child():
    for engine in list(_ENGINES):
        try:
            engine.after_fork_in_child()
        except BaseException:
            pass


def _close_at_multiprocessing_exit(engine):
    """A multiprocessing child ends with os._exit (no atexit): its own exit finalizers close the engine instead."""
    util = sys.modules.get("multiprocessing.util")
    if util is None or not engine.settings.register_atexit:
        return
    try:
        # The child's finalizer registry is cleared after this hook runs; after-fork callbacks run later.
        util.register_after_fork(engine, lambda e: util.Finalize(e, e.close, exitpriority=100))
    except BaseException:
        pass


def close_all():
    for engine in list(_ENGINES):
        if engine.settings.register_atexit:
            try:
                engine.close()
            except BaseException:
                pass


def _timestamp(ts):
    try:
        if not isinstance(ts, (int, float)):
            ts = ts.timestamp()
        millis = int(round(ts * 1000))
        return (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(millis // 1000)) + ".%03dZ" % (millis % 1000)).encode("ascii")
    except Exception:
        return _timestamp(time.time())
