"""The sender thread's work: sends spooled batches, one request each, and reads the answer: delivered, refused for
good (dropped), or retry later after a backoff."""
import json
import random
import threading
import time

BASE = 1.0
MAX_RETRY_AFTER = 3600.0


class Counter:
    """Dropped events since the last heartbeat; shared by every thread of the SDK."""

    def __init__(self):
        self._n = 0
        self._lock = threading.Lock()

    def add(self, n):
        with self._lock:
            self._n += n

    def get(self):
        return self._n

    def take(self):
        with self._lock:
            n, self._n = self._n, 0
            return n


class Backoff:
    """Exponential from one second up to a ceiling, jittered to 50-100 %; Retry-After wins when given."""

    def __init__(self, max_seconds):
        self.max = max(BASE, max_seconds)
        self._failures = 0

    def next_delay(self, retry_after=None):
        self._failures = min(self._failures + 1, 30)
        if retry_after is not None and retry_after >= 0:
            wait = min(float(retry_after), MAX_RETRY_AFTER)
            return wait + random.uniform(0, min(1.0, wait / 10 + 0.001))
        ceiling = min(self.max, BASE * (1 << min(self._failures - 1, 20)))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def reset(self):
        self._failures = 0


class Delivery:
    def __init__(self, transport, spool, backoff, dropped, log):
        self._transport = transport
        self._spool = spool
        self._backoff = backoff
        self._dropped = dropped
        self._log = log
        self.backoff_until = 0.0

    def send_spool(self, running):
        """Sends the spool, oldest batch first, until it is empty, a batch must wait, or running() turns false."""
        for path in self._spool.list():
            batch = self._spool.claim(path)
            if batch is not None and not self._deliver(batch):
                return
            if not running():
                return
        while True:
            batch = self._spool.claim_from_memory()
            if batch is None or not self._deliver(batch):
                return

    def _deliver(self, batch):
        """Sends one batch; False when sending should pause."""
        try:
            send = getattr(self._transport, "send", self._transport)
            response = send(body(batch.lines))
            status = int(response.status)
        except Exception as e:
            self._spool.release(batch)
            self._pause(self._backoff.next_delay())
            self._log.debug("brain unreachable, will retry: %r" % (e,))
            return False
        if 200 <= status < 300:
            if status == 207:
                self._log_rejections(getattr(response, "body", ""))
            self._spool.complete(batch)
            self._backoff.reset()
            return True
        if status in (401, 403, 404):
            self._spool.release(batch)
            self._pause(self._backoff.max)
            self._log.error("the brain answered %d (check BRAIN_API_KEY and BRAIN_ENDPOINT); events stay in the spool"
                            % status)
            return False
        if status < 400 or status in (408, 425, 429) or status >= 500:
            self._spool.release(batch)
            self._pause(self._backoff.next_delay(getattr(response, "retry_after", None)))
            self._log.debug("the brain answered %d, will retry" % status)
            return False
        self._spool.complete(batch)
        self._dropped.add(len(batch.lines))
        self._log.error("the brain refused a batch of %d events with %d: %s; dropped"
                        % (len(batch.lines), status, _abbreviate(getattr(response, "body", ""))))
        return True

    def _pause(self, seconds):
        self.backoff_until = time.monotonic() + seconds

    def _log_rejections(self, text):
        try:
            for r in json.loads(text).get("rejected", []):
                self._log.warning("the brain rejected event %s (%s): %s"
                                  % (r.get("event_id"), r.get("code"), r.get("message")))
        except Exception:
            self._log.warning("the brain rejected some events: %s" % _abbreviate(text))


def body(lines):
    sent_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()).encode("ascii")
    return b'{"events":[' + b",".join(lines) + b'],"sent_at":"' + sent_at + b'"}'


def _abbreviate(s):
    s = "" if s is None else str(s)
    return s[:300] + "..." if len(s) > 300 else s
