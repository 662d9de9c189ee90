"""Test helpers: a fake transport, a real loopback collector (stdlib HTTP server), and a generous await."""
import gzip
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)
sys.path.insert(0, PACKAGE_ROOT)

import brain  # noqa: E402

DEADLINE = 60.0


def await_(condition, what, timeout=DEADLINE):
    """Polls condition until true; a slow machine only makes this wait longer, never fail early."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("not within %.0f s: %s" % (timeout, what))


def events_of(body):
    return json.loads(body.decode("utf-8"))["events"]


class FakeTransport(brain.Transport):
    """Records every body; answers from a script of Responses (the last one repeats), or raises what it is given."""

    def __init__(self, *responses):
        self.bodies = []
        self.script = list(responses) or [brain.Response(202)]
        self.lock = threading.Lock()
        self.gate = None
        self.calls = 0

    def send(self, body):
        self.calls += 1
        if self.gate is not None:
            self.gate.wait()
        with self.lock:
            self.bodies.append(body)
            answer = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def events(self):
        with self.lock:
            return [e for b in self.bodies for e in events_of(b)]


class Collector:
    """A real HTTP brain stand-in on loopback: records each event, answers 202 (or self.status), can hang."""

    def __init__(self):
        self.events = []
        self.requests = 0
        self.status = 202
        self.retry_after = None
        self.hang = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                if collector.hang.is_set():
                    collector.release.wait(120)
                    return
                body = gzip.decompress(raw) if self.headers.get("Content-Encoding") == "gzip" else raw
                with collector.lock:
                    collector.requests += 1
                    status = collector.status
                    if status == 202:
                        collector.events.extend(events_of(body))
                answer = json.dumps({"accepted": 0, "duplicates": 0, "rejected": []}).encode()
                self.send_response(status)
                if collector.retry_after is not None:
                    self.send_header("Retry-After", str(collector.retry_after))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ids(self):
        with self.lock:
            return [e["event_id"] for e in self.events]

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class SdkTest(unittest.TestCase):
    """Each test gets its own spool directory and shuts down every client it made."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="brain-py-test-")
        self.clients = []
        self.logged = []

    def tearDown(self):
        for c in self.clients:
            c.shutdown()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def log(self, level, message, exc):
        self.logged.append((level, message))

    def client(self, transport=None, **settings):
        settings.setdefault("spool_dir", self.tmp)
        settings.setdefault("flush_interval", 0.05)
        settings.setdefault("shutdown_timeout", 0.5)
        settings.setdefault("logger", self.log)
        c = brain.Client(api_key=settings.pop("api_key", "brain_test_key"),
                         endpoint=settings.pop("endpoint", "http://127.0.0.1:9"), transport=transport,
                         register_atexit=False, environ={}, **settings)
        self.clients.append(c)
        return c

    def spool_files(self, client):
        return client._engine.spool.list()
