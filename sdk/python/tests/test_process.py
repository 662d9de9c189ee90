import multiprocessing
import os
import subprocess
import sys
import textwrap
import time
import unittest

import brain
from brain._stackhash import stack_hash
from .support import PACKAGE_ROOT, Collector, SdkTest, await_


def _worker(n):
    with brain.session("mp_child") as s:
        s.tool("t", n, True)
    # no flush: the child ends with os._exit, so the SDK's own exit finalizer must deliver


def _fail_order(order):
    raise KeyError("order %s not found" % order)


def _call(fn, arg):
    try:
        fn(arg)
    except Exception as e:
        return e


class ProcessTest(SdkTest):

    def setUp(self):
        super().setUp()
        self.collector = Collector()
        self.addCleanup(self.collector.close)

    def test_a_forked_child_gets_a_working_sdk_and_nothing_is_sent_twice(self):
        c = brain.Client(api_key="k", endpoint=self.collector.endpoint, spool_dir=self.tmp, flush_interval=0.05,
                         register_atexit=False, environ={})
        self.clients.append(c)
        for i in range(50):
            c.track("heartbeat", {"who": "parent-before", "i": i})
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                for i in range(30):
                    c.track("heartbeat", {"who": "child", "i": i})
                code = 0 if c.flush(60) else 2
            finally:
                os._exit(code)
        for i in range(20):
            c.track("heartbeat", {"who": "parent-after", "i": i})
        self.assertTrue(c.flush(60))
        _, status = os.waitpid(pid, 0)
        self.assertEqual(0, os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8)
        events = self.collector.events
        ids = [e["event_id"] for e in events]
        self.assertEqual(len(ids), len(set(ids)), "an event was sent twice")
        who = sorted((e["payload"]["who"], e["payload"]["i"]) for e in events)
        expected = sorted([("parent-before", i) for i in range(50)] + [("child", i) for i in range(30)]
                          + [("parent-after", i) for i in range(20)])
        self.assertEqual(expected, who)

    def test_a_multiprocessing_child_delivers_at_its_exit_without_a_flush(self):
        c = brain.init(api_key="k", endpoint=self.collector.endpoint, spool_dir=self.tmp, flush_interval=60)
        try:
            ctx = multiprocessing.get_context("fork")
            pool = ctx.Pool(2)
            pool.map(_worker, range(5))
            pool.close()
            pool.join()
            child = ctx.Process(target=_worker, args=(5,))
            child.start()
            child.join(120)
            await_(lambda: len(self.collector.events) >= 12, "six child sessions")
            ends = [e for e in self.collector.events if e["event_type"] == "session.end"]
            self.assertEqual(list(range(6)), sorted(e["payload"]["tool_calls"][0]["ms"] for e in ends))
        finally:
            c.shutdown()
            brain._client = brain._DISABLED

    def test_atexit_flushes_at_exit_and_never_holds_the_exit_past_the_shutdown_timeout(self):
        script = textwrap.dedent("""
            import sys; sys.path.insert(0, sys.argv[1]); import brain
            brain.init(api_key="k", endpoint=sys.argv[2], spool_dir=sys.argv[3], flush_interval=60, shutdown_timeout=1)
            with brain.session("exit") as s:
                s.tool("t", 1, True)
        """)
        subprocess.run([sys.executable, "-c", script, PACKAGE_ROOT, self.collector.endpoint, self.tmp],
                       check=True, timeout=120)
        self.assertEqual(["session.start", "session.end"], [e["event_type"] for e in self.collector.events])
        self.collector.hang.set()
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", script, PACKAGE_ROOT, self.collector.endpoint, self.tmp],
                       check=True, timeout=120)
        self.assertLess(time.monotonic() - started, 60, "exit waited for a hung brain")
        spooled = [n for d in os.listdir(self.tmp) for n in os.listdir(os.path.join(self.tmp, d))]
        self.assertEqual(1, len(spooled), "what the hung brain never answered stays spooled")

    def test_stack_hash_groups_one_failure_whatever_its_message_and_tells_others_apart(self):
        a = _call(_fail_order, 1)
        b = _call(_fail_order, 2)
        other = _call(lambda x: [][x], 3)
        self.assertEqual(stack_hash(a), stack_hash(b))
        self.assertNotEqual(stack_hash(a), stack_hash(other))
        self.assertRegex(stack_hash(a), r"^sha256:[0-9a-f]{64}$")
        try:
            try:
                _fail_order(1)
            except KeyError as inner:
                raise RuntimeError("wrapped") from inner
        except RuntimeError as chained:
            self.assertNotEqual(stack_hash(RuntimeError("wrapped")), stack_hash(chained))
            self.assertNotIn("wrapped", repr(stack_hash(chained)))


if __name__ == "__main__":
    unittest.main()
