import json
import unittest

from brain import _payloads as P
from .support import FakeTransport, SdkTest


class LimitsTest(SdkTest):

    def test_strings_are_capped_to_the_specs_bounds_and_nul_replaced(self):
        t = FakeTransport()
        c = self.client(t)
        with c.session("c" * 500, source="s" * 500) as s:
            s.tool("n" * 500, 1, True)
            s.llm("m" * 500, 1, 1, 0)
            s.set_summary("y" * 9000)
            s.fail("r\x00" * 3000)
        c.track("error", {"message": "m" * 9000, "kind": "k" * 500, "stack_hash": "sha256:x", "extra": "e\x00"})
        self.assertTrue(c.flush(30))
        start, end, error = t.events()
        self.assertEqual((128, 128), (len(start["payload"]["category"]), len(start["payload"]["source"])))
        p = end["payload"]
        self.assertEqual(128, len(p["tool_calls"][0]["name"]))
        self.assertEqual(128, len(p["llm_usage"][0]["model"]))
        self.assertEqual(4000, len(p["summary_raw"]))
        self.assertEqual(2000, len(p["failure_reason"]))
        self.assertNotIn("\x00", p["failure_reason"])
        self.assertEqual("r\ufffd", p["failure_reason"][:2])
        self.assertEqual((2000, 128, "e\ufffd"), (len(error["payload"]["message"]), len(error["payload"]["kind"]),
                                                  error["payload"]["extra"]))

    def test_lone_surrogates_and_astral_characters_survive_as_valid_utf8(self):
        self.assertEqual("a\ufffdb", P.text("a\ud800b", 10))
        self.assertEqual("\U0001F600" * 128, P.text("\U0001F600" * 200, 128))

    def test_more_than_1000_tool_calls_are_counted_not_sent(self):
        t = FakeTransport()
        c = self.client(t)
        with c.session("x") as s:
            for i in range(1500):
                s.tool("t", i, True)
        self.assertTrue(c.flush(30))
        p = t.events()[1]["payload"]
        self.assertLessEqual(len(p["tool_calls"]), 1000)
        self.assertEqual(1500, len(p["tool_calls"]) + p["tool_calls_dropped"])

    def test_a_session_end_over_32_kib_is_thinned_to_fit(self):
        t = FakeTransport()
        c = self.client(t)
        with c.session("x") as s:
            for i in range(1000):
                s.tool("tool_with_a_long_name_" + "x" * 100 + str(i), i, True)
            s.attribute("blob", "z" * 30000)
        self.assertTrue(c.flush(30))
        end = t.events()[1]
        self.assertLessEqual(len(json.dumps(end["payload"], ensure_ascii=False).encode()), 32 * 1024)
        self.assertEqual(1000, len(end["payload"]["tool_calls"]) + end["payload"]["tool_calls_dropped"])

    def test_an_oversized_tracked_payload_is_cut_then_dropped_and_counted(self):
        t = FakeTransport()
        c = self.client(t)
        c.track("heartbeat", {"a": "x" * 40000})
        c.track("heartbeat", {"k%d" % i: "v" * 200 for i in range(500)})
        self.assertTrue(c.flush(30))
        first = t.events()[0]["payload"]
        self.assertEqual(1024, len(first["a"]))
        self.assertEqual(1, len(t.events()))
        self.assertEqual(1, c._engine.dropped.get())

    def test_batches_stay_within_500_events_and_900_kib(self):
        t = FakeTransport()
        c = self.client(t, batch_size=500, flush_interval=60)
        for i in range(1200):
            c.track("heartbeat", {"pad": "p" * 2000})
        self.assertTrue(c.flush(60))
        self.assertEqual(1200, len(t.events()))
        for body in t.bodies:
            self.assertLessEqual(len(json.loads(body)["events"]), 500)
            self.assertLessEqual(len(body), 900 * 1024 + 200)

    def test_numbers_are_clamped_to_what_the_brain_accepts(self):
        t = FakeTransport()
        c = self.client(t)
        with c.session("x") as s:
            s.tool("t", -5, True)
            s.tool("u", 10 ** 20, True)
            s.llm("m", -1, 10 ** 30, float("inf"))
            s.llm("m", "12", None, float("nan"))
        self.assertTrue(c.flush(30))
        p = t.events()[1]["payload"]
        self.assertEqual([0, P.DURATION_MS], [x["ms"] for x in p["tool_calls"]])
        self.assertEqual({"model": "m", "input_tokens": 12, "output_tokens": P.TOKENS, "cost_cents": 0},
                         p["llm_usage"][0])


if __name__ == "__main__":
    unittest.main()
