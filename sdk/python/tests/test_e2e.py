"""End to end: the SDK against a real brain and PostgreSQL (skipped without target/brain.jar, failed under CI)."""
import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import unittest

import brain
from brain import _transport
from .realbrain import RealBrain
from .support import PACKAGE_ROOT, SdkTest, await_

SEED = textwrap.dedent("""
    import os, brain
    brain.init(api_key=os.environ["BRAIN_API_KEY"])      # endpoint from BRAIN_ENDPOINT, default http://localhost:8080

    with brain.session(category="email_reply", source="inbox") as s:
        s.tool("read_inbox", duration_ms=150, ok=True)
        s.llm(model="claude-sonnet-4-6", input_tokens=2400, output_tokens=350, cost_cents=2.1)
        s.set_summary("Replied to a billing dispute about an unpaid invoice.")

    brain.track("error", {"message": "...", "kind": "TimeoutError", "stack_hash": "sha256:" + "0" * 64})
""")


def run_seed(python, real, spool, pythonpath=None, cwd=None):
    """Runs the seed example, as written, in a fresh interpreter: its delivery is the SDK's exit flush."""
    env = dict(os.environ, BRAIN_API_KEY=real.api_key, BRAIN_ENDPOINT=real.endpoint, BRAIN_SPOOL_DIR=spool)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    subprocess.run([python, "-c", SEED], env=env, check=True, timeout=180, cwd=cwd)


def assert_seed_rows(test, rows):
    test.assertEqual(["session.start", "session.end", "error"], sorted((r[1] for r in rows),
                                                                       key=["session.start", "session.end", "error"].index))
    by_type = {r[1]: r for r in rows}
    test.assertEqual({"category": "email_reply", "source": "inbox"}, json.loads(by_type["session.start"][3]))
    end = json.loads(by_type["session.end"][3])
    test.assertGreaterEqual(end.pop("duration_ms"), 0)
    test.assertEqual({"status": "success", "category": "email_reply",
                      "tool_calls": [{"name": "read_inbox", "ms": 150, "ok": True}],
                      "llm_usage": [{"model": "claude-sonnet-4-6", "input_tokens": 2400, "output_tokens": 350,
                                     "cost_cents": 2.1, "cost_basis": "agent"}]}, end,
                     "tier b: the raw summary is never stored; the brain records where the cost came from")
    test.assertEqual({"message": "...", "kind": "TimeoutError", "stack_hash": "sha256:" + "0" * 64},
                     json.loads(by_type["error"][3]))
    test.assertEqual(by_type["session.start"][2], by_type["session.end"][2])
    test.assertEqual(3, len({r[0] for r in rows}))


class EndToEndTest(SdkTest):
    shared = None

    @classmethod
    def setUpClass(cls):
        cls.shared = RealBrain().start()

    @classmethod
    def tearDownClass(cls):
        if cls.shared is not None:
            cls.shared.close()

    def own(self, **env):
        """Rows from here on only; a brain process of its own when the test needs other settings."""
        real = RealBrain(env)
        if env:
            self.addCleanup(real.close)
        else:
            real.endpoint, real.port = self.shared.endpoint, self.shared.port
        return real

    def sdk(self, real, **settings):
        return self.client(None, api_key=real.api_key, endpoint=real.endpoint, **settings)

    def test_the_seed_example_as_written_round_trips_into_exactly_these_rows(self):
        real = self.own()
        run_seed(sys.executable, real, self.tmp, pythonpath=PACKAGE_ROOT)
        assert_seed_rows(self, real.rows())

    def test_an_agent_killed_mid_stream_and_restarted_delivers_every_event_exactly_once(self):
        real = self.own()
        script = textwrap.dedent("""
            import sys, time; sys.path.insert(0, sys.argv[1]); import brain
            brain.init(api_key=sys.argv[2], endpoint=sys.argv[3], spool_dir=sys.argv[4], flush_interval=0.05)
            start = int(sys.argv[5])
            for i in range(start, start + 100000):
                brain.track("session.start", {"category": "kill", "i": i}, session_id="sess_kill_%d" % i)
                print(i, flush=True)
                time.sleep(0.002)
        """)
        env = dict(os.environ)
        first = subprocess.Popen([sys.executable, "-c", script, PACKAGE_ROOT, real.api_key, real.endpoint, self.tmp,
                                  "0"], stdout=subprocess.PIPE, universal_newlines=True, env=env)
        recorded = -1
        while recorded < 600:
            recorded = int(first.stdout.readline())
        await_(lambda: len(real.rows()) > 100, "some events delivered before the kill")
        first.send_signal(signal.SIGKILL)
        first.wait(60)
        last = recorded
        for line in first.stdout.read().split():
            last = int(line)
        first.stdout.close()
        # Up to the last flush interval before the kill may be lost; everything on disk must arrive once.
        second = brain.Client(api_key=real.api_key, endpoint=real.endpoint, spool_dir=self.tmp, flush_interval=0.05,
                              register_atexit=False, environ={})
        self.clients.append(second)
        self.assertTrue(second.flush(120))
        rows = real.rows()
        ids = [r[0] for r in rows]
        sessions = sorted(int(r[2].rsplit("_", 1)[1]) for r in rows)
        self.assertEqual(len(ids), len(set(ids)), "an event was stored twice")
        self.assertEqual(len(sessions), len(set(sessions)), "a recorded event was stored twice")
        self.assertEqual(list(range(len(sessions))), sessions, "every event before the loss window arrived, in order")
        self.assertGreaterEqual(len(sessions), 600 - 1)
        self.assertLessEqual(len(sessions), last + 1)

    def test_brain_down_then_up_drains_the_spool(self):
        real = RealBrain()
        self.addCleanup(real.close)
        c = self.sdk(real, max_retry_backoff=1)
        for i in range(250):
            with c.session("down_then_up") as s:
                s.tool("t", i, True)
        self.assertFalse(c.flush(0.5), "nothing can be delivered while the brain is down")
        self.assertGreater(len(self.spool_files(c)), 0)
        real.start()
        self.assertTrue(c.flush(120))
        rows = real.rows()
        self.assertEqual(500, len(rows))
        self.assertEqual(500, len({r[0] for r in rows}))
        self.assertEqual([], self.spool_files(c))

    def test_a_429_with_retry_after_is_waited_out_and_nothing_is_lost(self):
        real = self.own(BRAIN_RATE_LIMIT_RPS="0.25", BRAIN_RATE_LIMIT_BURST="1").start()
        http = _transport.HttpTransport(real.endpoint, real.api_key, 10)
        self.addCleanup(http.close)
        answers = []

        def recording(body):
            r = http.send(body)
            answers.append((r.status, r.retry_after))
            return r
        c = self.client(recording, api_key=real.api_key, endpoint=real.endpoint, batch_size=1, flush_interval=60)
        for i in range(4):
            c.track("session.start", {"category": "limited"}, session_id="sess_%d" % i)
        self.assertTrue(c.flush(120))
        self.assertIn(429, [s for s, _ in answers], answers)
        self.assertTrue(all(r is not None for s, r in answers if s == 429), "every 429 came with a Retry-After")
        rows = real.rows()
        self.assertEqual(4, len(rows))
        self.assertEqual(4, len({r[0] for r in rows}))

    def test_a_partially_rejected_batch_stores_the_valid_events_once_and_logs_the_rest_once(self):
        real = self.own()
        c = self.sdk(real, flush_interval=60)
        c.track("session.start", {"category": "a"}, session_id="sess_ok_1")
        c.track("no.such.type", {}, session_id="sess_bad")
        c.track("session.end", {"status": "not-a-status"}, session_id="sess_bad_2")
        c.track("session.start", {"category": "b"}, session_id="sess_ok_2")
        self.assertTrue(c.flush(120), self.logged)
        c.track("session.start", {"category": "c"}, session_id="sess_ok_3")
        self.assertTrue(c.flush(120), self.logged)
        self.assertEqual(["sess_ok_1", "sess_ok_2", "sess_ok_3"], sorted(r[2] for r in real.rows()))
        rejected = [m for level, m in self.logged if m.startswith("the brain rejected event")]
        self.assertEqual(2, len(rejected), self.logged)

    def test_a_forked_child_and_its_parent_each_deliver_their_own_events_once(self):
        real = self.own()
        c = self.sdk(real)
        for i in range(20):
            c.track("session.start", {"category": "parent"}, session_id="sess_parent_%d" % i)
        pid = os.fork()
        if pid == 0:
            ok = False
            try:
                with c.session("child") as s:
                    s.tool("in_child", 1, True)
                ok = c.flush(120)
            finally:
                os._exit(0 if ok else 1)
        self.assertTrue(c.flush(120))
        _, status = os.waitpid(pid, 0)
        self.assertEqual(0, status)
        rows = real.rows()
        self.assertEqual(22, len(rows))
        self.assertEqual(22, len({r[0] for r in rows}))
        self.assertEqual(["child"] * 2, [json.loads(r[3])["category"] for r in rows if r[2].startswith("sess_") and
                                         not r[2].startswith("sess_parent")])

    def test_asyncio_sessions_round_trip(self):
        real = self.own()
        c = self.sdk(real)

        async def task(i):
            async with c.session("async", source="loop") as s:
                async with s.timed_tool("sleep"):
                    await asyncio.sleep(0.01)
                s.llm("claude-haiku-4-5", input_tokens=i, output_tokens=1)

        async def main():
            await asyncio.gather(*(task(i) for i in range(50)))
        asyncio.run(main())
        self.assertTrue(c.flush(120))
        ends = [json.loads(r[3]) for r in real.rows() if r[1] == "session.end"]
        self.assertEqual(50, len(ends))
        self.assertEqual(sum(range(50)), sum(e["llm_usage"][0]["input_tokens"] for e in ends))
        self.assertTrue(all(e["tool_calls"][0]["ms"] >= 10 for e in ends))


if __name__ == "__main__":
    unittest.main()
