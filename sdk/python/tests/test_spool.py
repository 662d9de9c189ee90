import fcntl
import json
import os
import stat
import subprocess
import sys
import threading
import unittest

import brain
from brain import _spool
from .support import PACKAGE_ROOT, Collector, FakeTransport, SdkTest, await_, events_of


class SpoolTest(SdkTest):

    def test_events_reach_the_disk_within_the_flush_interval_while_a_send_hangs(self):
        t = FakeTransport()
        t.gate = threading.Event()  # the brain accepts and never answers
        c = self.client(t)
        c.track("heartbeat", {"n": 0})
        await_(lambda: t.calls == 1, "a send that hangs")
        for i in range(1, 251):
            c.track("heartbeat", {"n": i})
        await_(lambda: self._spooled(c) == 251, "every event on disk while the send hangs")
        self.assertEqual(0, len(c._engine.buffer))
        t.gate.set()
        self.assertTrue(c.flush(30))
        self.assertEqual(list(range(251)), sorted(e["payload"]["n"] for e in t.events()))

    def _spooled(self, c):
        return sum(_spool.count_in_name(p) for p in self.spool_files(c))

    def test_a_batch_file_is_deleted_only_after_the_brain_answered(self):
        t = FakeTransport(brain.Response(503), brain.Response(202))
        c = self.client(t)
        c.track("heartbeat", {})
        await_(lambda: len(t.bodies) == 1, "the first attempt")
        self.assertEqual(1, len(self.spool_files(c)))
        c._engine.delivery.backoff_until = 0
        self.assertTrue(c.flush(30))
        self.assertEqual([], self.spool_files(c))
        self.assertEqual(events_of(t.bodies[0]), events_of(t.bodies[1]), "a retry carries the same event ids")

    def test_a_restart_replays_the_spool_with_the_same_event_ids(self):
        down = FakeTransport(ConnectionRefusedError("down"))
        first = self.client(down)
        with first.session("x") as s:
            s.tool("t", 1, True)
        self.assertFalse(first.flush(0.2))
        first.shutdown()
        up = FakeTransport()
        second = self.client(up)
        self.assertTrue(second.flush(30))
        sent = up.events()
        self.assertEqual(["session.start", "session.end"], [e["event_type"] for e in sent])
        self.assertEqual([e["event_id"] for e in events_of(down.bodies[0])], [e["event_id"] for e in sent])

    def test_the_spool_is_per_endpoint_and_key_with_mode_0700(self):
        a = self.client(FakeTransport(), api_key="key_a")
        b = self.client(FakeTransport(), api_key="key_b")
        c = self.client(FakeTransport(), api_key="key_a", endpoint="http://127.0.0.1:10")
        dirs = {x._engine.spool.dir for x in (a, b, c)}
        self.assertEqual(3, len(dirs))
        a.track("heartbeat", {})
        a.flush(30)
        self.assertEqual(0o700, stat.S_IMODE(os.stat(a._engine.spool.dir).st_mode))

    def test_a_torn_or_corrupt_file_costs_only_its_damaged_lines_and_they_are_counted(self):
        lines = [json.dumps({"event_id": "00000000-0000-4000-8000-%012d" % i, "ts": "2026-01-01T00:00:00Z",
                             "event_type": "heartbeat", "session_id": "s", "payload": {}}).encode() for i in range(4)]
        data = bytearray(_spool.encode(lines))
        second = data.index(b"\n") + 12
        data[second] = ord("X")  # a flipped byte in the second line
        directory = self._spool_dir_for("brain_test_key")
        os.makedirs(directory, 0o700)
        with open(os.path.join(directory, "0000000000001-000000-1-5.jsonl"), "wb") as f:
            f.write(bytes(data[:-20]))  # torn: the last line cut short, and 5 announced
        t = FakeTransport()
        c = self.client(t, heartbeat_interval=0.05)
        await_(lambda: any(e["event_type"] == "heartbeat" and e["session_id"] == c.instance_id for e in t.events()),
               "a heartbeat")
        kept = [e["event_id"][-1] for e in t.events() if e["session_id"] == "s"]
        self.assertEqual(["0", "2"], kept)
        hb = [e for e in t.events() if e["session_id"] == c.instance_id][0]
        self.assertEqual(3, hb["payload"]["dropped_events_since_last"])

    def _spool_dir_for(self, key, endpoint="http://127.0.0.1:9"):
        import hashlib
        return os.path.join(self.tmp, hashlib.sha256((endpoint + "\n" + key).encode()).hexdigest()[:16])

    def test_a_file_another_process_has_locked_is_not_sent(self):
        directory = self._spool_dir_for("brain_test_key")
        os.makedirs(directory, 0o700)
        path = os.path.join(directory, "0000000000001-000000-1-1.jsonl")
        line = json.dumps({"event_id": "00000000-0000-4000-8000-000000000001", "ts": "2026-01-01T00:00:00Z",
                           "event_type": "heartbeat", "session_id": "s", "payload": {}}).encode()
        with open(path, "wb") as f:
            f.write(_spool.encode([line]))
        holder = subprocess.Popen([sys.executable, "-c", (
            "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR); fcntl.lockf(fd, fcntl.LOCK_EX); "
            "print('locked', flush=True); sys.stdin.readline()"), path], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        try:
            self.assertEqual(b"locked\n", holder.stdout.readline())
            t = FakeTransport()
            c = self.client(t)
            self.assertFalse(c.flush(0.5))
            self.assertEqual([], t.bodies)
        finally:
            holder.stdin.close()
            holder.wait(60)
            holder.stdout.close()
        self.assertTrue(c.flush(30))
        self.assertEqual(["s"], [e["session_id"] for e in t.events()])

    def test_two_processes_sharing_a_spool_never_send_the_same_batch(self):
        collector = Collector()
        self.addCleanup(collector.close)
        script = ("import sys; sys.path.insert(0, sys.argv[1]); import brain\n"
                  "c = brain.Client(api_key='shared', endpoint=sys.argv[2], spool_dir=sys.argv[3], flush_interval=0.01,"
                  " register_atexit=False)\n"
                  "print(c.flush(120), flush=True)\n")
        directory = self._spool_dir_for("shared", collector.endpoint)
        os.makedirs(directory, 0o700)
        expected = set()
        for f in range(40):
            lines = []
            for i in range(5):
                event_id = "00000000-0000-4000-8000-%06d%06d" % (f, i)
                expected.add(event_id)
                lines.append(json.dumps({"event_id": event_id, "ts": "2026-01-01T00:00:00Z", "event_type": "heartbeat",
                                         "session_id": "s", "payload": {}}).encode())
            with open(os.path.join(directory, "%013d-000000-1-5.jsonl" % f), "wb") as out:
                out.write(_spool.encode(lines))
        procs = [subprocess.Popen([sys.executable, "-c", script, PACKAGE_ROOT, collector.endpoint, self.tmp],
                                  stdout=subprocess.PIPE) for _ in range(3)]
        for p in procs:
            p.communicate(timeout=180)
        ids = collector.ids()
        self.assertEqual(expected, set(ids))
        self.assertEqual(len(ids), len(set(ids)), "an event was sent twice")

    def test_an_unwritable_spool_keeps_events_in_memory_and_still_delivers(self):
        blocker = os.path.join(self.tmp, "not-a-directory")
        with open(blocker, "w") as f:
            f.write("x")
        t = FakeTransport()
        c = self.client(t, spool_dir=blocker)
        c.track("heartbeat", {"n": 1})
        self.assertTrue(c.flush(30))
        self.assertEqual([1], [e["payload"]["n"] for e in t.events()])
        self.assertTrue(any("cannot write the spool" in m for _, m in self.logged))

    def test_memory_and_disk_are_bounded_and_overflow_drops_the_oldest_counted_in_the_next_heartbeat(self):
        t = FakeTransport()
        t.gate = threading.Event()
        c = self.client(t, buffer_capacity=10, flush_interval=60, batch_size=500)
        for i in range(25):
            c.track("heartbeat", {"n": i})
        self.assertEqual(10, len(c._engine.buffer))
        self.assertEqual(list(range(15, 25)), [e[3]["n"] for e in c._engine.buffer])
        t.gate.set()
        c._engine.enqueue_heartbeat()
        self.assertTrue(c.flush(30))
        hb = [e for e in t.events() if "dropped_events_since_last" in e["payload"]]
        self.assertEqual(15, hb[0]["payload"]["dropped_events_since_last"])

    def test_the_disk_bound_drops_the_oldest_files_and_counts_them(self):
        t = FakeTransport(brain.Response(503))
        c = self.client(t, spool_max_bytes=3000, batch_size=1, max_retry_backoff=3600)
        for i in range(40):
            c.track("heartbeat", {"n": i, "pad": "x" * 100})
        c.flush(0.5)
        files = self.spool_files(c)
        self.assertLessEqual(sum(os.path.getsize(p) for p in files), 3000)
        self.assertGreater(c._engine.dropped.get(), 0)
        ns = []
        for p in files:
            with open(p, "rb") as f:
                ns.extend(json.loads(line[9:])["payload"]["n"] for line in f.read().splitlines())
        ns.sort()
        self.assertEqual(39, ns[-1], "the newest events are the ones kept")

    def test_a_zero_spool_bound_keeps_the_backlog_in_memory(self):
        t = FakeTransport()
        c = self.client(t, spool_max_bytes=0)
        self.assertIsNone(c._engine.spool.dir)
        c.track("heartbeat", {})
        self.assertTrue(c.flush(30))
        self.assertEqual(1, len(t.events()))


if __name__ == "__main__":
    unittest.main()
