import asyncio
import logging
import os
import threading
import unittest

import brain
from .support import FakeTransport, SdkTest


class Hostile:
    def __str__(self):
        raise RuntimeError("no str for you")

    __repr__ = __str__


class HostileException(Exception):
    def __str__(self):
        raise RuntimeError("nor here")


class HostileDict(dict):
    def items(self):
        raise RuntimeError("no items")

    def keys(self):
        raise RuntimeError("no keys")


class NeverRaisesTest(SdkTest):

    def test_bad_arguments_unserializable_values_and_hostile_objects_never_reach_the_agent(self):
        t = FakeTransport()
        c = self.client(t)
        cycle = []
        cycle.append(cycle)
        wide = [list(range(50))] * 50
        with c.session(Hostile(), source=object()) as s:
            s.tool(None, "abc", Hostile())
            s.tool(Hostile(), object(), None)
            s.llm(Hostile(), input_tokens="x", output_tokens=object(), cost_cents="free")
            s.llm_response(Hostile())
            s.set_summary(Hostile())
            s.attribute("cycle", cycle).attribute("hostile", Hostile()).attribute(Hostile(), 1)
            s.attribute("wide", [wide] * 50)
            s.fail(HostileException())
            s.escalate(object())
            with s.timed_tool(Hostile()):
                pass
        c.track("heartbeat", {"x": Hostile(), "y": {1, 2}, "z": b"\xff", Hostile(): 1, "n": float("nan")})
        c.track("heartbeat", HostileDict(a=1))
        c.track("heartbeat", ["not", "a", "dict"])
        c.track("heartbeat", 42)
        c.track(Hostile(), {})
        c.track("heartbeat", session_id=Hostile(), ts="yesterday")
        c.flush("soon")
        c.flush(None)
        self.assertTrue(c.flush(30))
        kinds = [e["event_type"] for e in t.events()]
        self.assertIn("session.end", kinds)
        end = [e for e in t.events() if e["event_type"] == "session.end"][0]
        self.assertEqual("<unprintable Hostile>", end["payload"]["category"])
        error = [e for e in t.events() if e["event_type"] == "error"][0]
        self.assertEqual("tests.test_never_raises.HostileException", error["payload"]["kind"])
        self.assertEqual(error["payload"]["kind"], error["payload"]["message"])
        tracked = [e for e in t.events() if e["event_type"] == "heartbeat"][0]["payload"]
        self.assertEqual(("<unprintable Hostile>", "\ufffd", None), (tracked["x"], tracked["z"], tracked["n"]))
        self.assertEqual([1, 2], sorted(tracked["y"]))

    def test_a_raising_logger_or_transport_does_not_matter(self):
        def logger(level, message, exc):
            raise RuntimeError("logger down")
        broken = logging.getLogger("brain-test-broken")
        broken.addHandler(type("H", (logging.Handler,), {"emit": lambda self, r: 1 / 0})())
        for sink in (logger, broken):
            t = FakeTransport(RuntimeError("transport bug"), brain.Response(202))
            c = self.client(t, logger=sink, batch_size=5000)
            c.track("heartbeat", {})
            c._engine.delivery.backoff_until = 0
            self.assertFalse(c.flush(0.3))
            c._engine.delivery.backoff_until = 0
            self.assertTrue(c.flush(30))
            c.shutdown()

    def test_recording_after_shutdown_and_twice_shutting_down_are_harmless(self):
        t = FakeTransport()
        c = self.client(t)
        s = c.session("x")
        c.shutdown()
        c.shutdown()
        s.tool("t", 1, True)
        s.end()
        s.end()
        c.track("heartbeat", {})
        self.assertFalse(c.flush(0.1))

    def test_recording_from_many_threads_and_tasks_at_once(self):
        t = FakeTransport()
        c = self.client(t)

        def work(n):
            for i in range(200):
                with c.session("threads") as s:
                    s.tool("t", i, True)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for th in threads:
            th.start()

        async def task(i):
            async with c.session("tasks") as s:
                await asyncio.sleep(0)
                s.tool("a", i, True)

        async def many():
            await asyncio.gather(*(task(i) for i in range(200)))
        asyncio.run(many())
        for th in threads:
            th.join()
        self.assertTrue(c.flush(60))
        ids = [e["event_id"] for e in t.events()]
        self.assertEqual(2 * (8 * 200 + 200), len(ids))
        self.assertEqual(len(ids), len(set(ids)))

    def test_the_package_parses_as_python_3_8(self):
        import ast
        package = os.path.dirname(brain.__file__)
        for name in os.listdir(package):
            if name.endswith(".py"):
                with open(os.path.join(package, name)) as f:
                    ast.parse(f.read(), name, feature_version=(3, 8))


if __name__ == "__main__":
    unittest.main()
