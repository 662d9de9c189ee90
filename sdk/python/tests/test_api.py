import asyncio
import json
import types
import unittest

import brain
from .support import FakeTransport, SdkTest, await_


class ApiTest(SdkTest):

    def test_the_seed_example_records_exactly_the_designed_events(self):
        t = FakeTransport()
        c = self.client(t)
        with c.session(category="email_reply", source="inbox") as s:
            s.tool("read_inbox", duration_ms=150, ok=True)
            s.llm(model="claude-sonnet-4-6", input_tokens=2400, output_tokens=350, cost_cents=2.1)
            s.set_summary("Replied to a billing dispute about an unpaid invoice.")
        c.track("error", {"message": "...", "kind": "TimeoutError", "stack_hash": "sha256:abc"})
        self.assertTrue(c.flush(30))
        start, end, error = t.events()
        self.assertEqual(("session.start", {"category": "email_reply", "source": "inbox"}),
                         (start["event_type"], start["payload"]))
        end_payload = dict(end["payload"])
        self.assertGreaterEqual(end_payload.pop("duration_ms"), 0)
        self.assertEqual({"status": "success", "category": "email_reply",
                          "tool_calls": [{"name": "read_inbox", "ms": 150, "ok": True}],
                          "llm_usage": [{"model": "claude-sonnet-4-6", "input_tokens": 2400, "output_tokens": 350,
                                         "cost_cents": 2.1}],
                          "summary_raw": "Replied to a billing dispute about an unpaid invoice."}, end_payload)
        self.assertEqual(start["session_id"], end["session_id"])
        self.assertTrue(start["session_id"].startswith("sess_"))
        self.assertEqual(("error", c.instance_id), (error["event_type"], error["session_id"]))
        self.assertEqual({"message": "...", "kind": "TimeoutError", "stack_hash": "sha256:abc"}, error["payload"])
        self.assertEqual(3, len({e["event_id"] for e in t.events()}))
        self.assertTrue(all(e["ts"].endswith("Z") for e in t.events()))

    def test_module_functions_use_the_client_init_made(self):
        t = FakeTransport()
        c = brain.init(api_key="k", transport=t, spool_dir=self.tmp, flush_interval=0.05, register_atexit=False)
        self.clients.append(c)
        try:
            self.assertIs(c, brain.get_client())
            with brain.session(category="x") as s:
                self.assertIs(s, brain.current_session())
            brain.track("heartbeat", {"agent_version": "1"})
            self.assertTrue(brain.flush(timeout=30))
            self.assertEqual(["session.start", "session.end", "heartbeat"], [e["event_type"] for e in t.events()])
        finally:
            brain.shutdown()
            brain._client = brain._DISABLED

    def test_without_a_key_every_call_is_a_silent_no_op_and_bodies_still_run(self):
        c = brain.Client(environ={}, register_atexit=False)
        self.assertFalse(c.enabled)
        with c.session("x") as s:
            s.tool("t", 1, True).llm("m", 1, 1, 1).set_summary("s").fail("r")
        c.track("error", {"message": "m"})
        self.assertTrue(c.flush(1))
        c.shutdown()

        @brain.session_fn(category="job")
        def job(x):
            return x * 2
        self.assertEqual(4, job(2))

    def test_an_exception_escaping_the_block_fails_the_session_records_an_error_and_is_reraised_unchanged(self):
        t = FakeTransport()
        c = self.client(t)
        boom = TimeoutError("order 1234 timed out")
        with self.assertRaises(TimeoutError) as raised:
            with c.session("refunds") as s:
                s.tool("lookup", 5, True)
                raise boom
        self.assertIs(boom, raised.exception)
        self.assertTrue(c.flush(30))
        types_ = [e["event_type"] for e in t.events()]
        self.assertEqual(["session.start", "error", "session.end"], types_)
        error, end = t.events()[1], t.events()[2]
        self.assertEqual("TimeoutError", error["payload"]["kind"])
        self.assertEqual("order 1234 timed out", error["payload"]["message"])
        self.assertTrue(error["payload"]["stack_hash"].startswith("sha256:"))
        self.assertEqual("failed", end["payload"]["status"])
        self.assertEqual("TimeoutError: order 1234 timed out", end["payload"]["failure_reason"])

    def test_fail_and_escalate_with_a_failure_being_final(self):
        t = FakeTransport()
        c = self.client(t)
        with c.session("a") as s:
            s.escalate("needs a human")
        with c.session("b") as s:
            s.fail("broken").escalate("too late")
        self.assertTrue(c.flush(30))
        ends = [e["payload"] for e in t.events() if e["event_type"] == "session.end"]
        self.assertEqual([("escalated", "needs a human"), ("failed", "broken")],
                         [(p["status"], p["failure_reason"]) for p in ends])

    def test_async_with_and_session_fn_on_sync_and_async_functions(self):
        t = FakeTransport()
        c = self.client(t)
        brain._client = c
        try:
            @brain.session_fn(category="async_job", source="queue")
            async def work(n):
                s = brain.current_session()
                async with s.timed_tool("search_kb"):
                    await asyncio.sleep(0)
                return n + 1

            @brain.session_fn
            def sync_job():
                brain.current_session().tool("t", 3, False)
                return "done"

            async def main():
                async with c.session("direct") as s:
                    s.tool("x", 1, True)
                return await asyncio.gather(work(1), work(2))

            self.assertEqual([2, 3], asyncio.run(main()))
            self.assertEqual("done", sync_job())
        finally:
            brain._client = brain._DISABLED
        self.assertTrue(c.flush(30))
        ends = [e["payload"] for e in t.events() if e["event_type"] == "session.end"]
        self.assertEqual(["direct", "async_job", "async_job", "sync_job"], [p["category"] for p in ends])
        self.assertEqual(["search_kb"], [tc["name"] for tc in ends[1]["tool_calls"]])
        self.assertEqual([{"name": "t", "ms": 3, "ok": False}], ends[3]["tool_calls"])
        starts = [e["payload"] for e in t.events() if e["event_type"] == "session.start"]
        self.assertEqual({"category": "async_job", "source": "queue"}, starts[1])

    def test_an_exception_in_a_decorated_async_function_fails_its_session(self):
        t = FakeTransport()
        c = self.client(t)
        brain._client = c
        try:
            @brain.session_fn(category="j")
            async def work():
                raise KeyError("k")
            with self.assertRaises(KeyError):
                asyncio.run(work())
        finally:
            brain._client = brain._DISABLED
        self.assertTrue(c.flush(30))
        self.assertEqual(["session.start", "error", "session.end"], [e["event_type"] for e in t.events()])
        self.assertEqual("failed", t.events()[2]["payload"]["status"])

    def test_timed_tool_measures_and_is_not_ok_when_the_block_raises_or_says_so(self):
        t = FakeTransport()
        c = self.client(t)
        with c.session("x") as s:
            with s.timed_tool("fine") as tool:
                pass
            with self.assertRaises(ValueError):
                with s.timed_tool("raises"):
                    raise ValueError()
            with s.timed_tool("said_no") as tool:
                tool.ok = False
        self.assertTrue(c.flush(30))
        calls = t.events()[1]["payload"]["tool_calls"]
        self.assertEqual([("fine", True), ("raises", False), ("said_no", False)], [(x["name"], x["ok"]) for x in calls])
        self.assertTrue(all(x["ms"] >= 0 for x in calls))

    def test_llm_response_reads_anthropic_and_openai_shapes_by_duck_typing(self):
        t = FakeTransport()
        c = self.client(t)
        anthropic = types.SimpleNamespace(model="claude-sonnet-4-6", usage=types.SimpleNamespace(
            input_tokens=100, output_tokens=20, cache_read_input_tokens=300, cache_creation_input_tokens=40))
        openai_chat = {"model": "gpt-4o", "usage": {"prompt_tokens": 500, "completion_tokens": 50,
                                                    "prompt_tokens_details": {"cached_tokens": 200}}}
        openai_responses = types.SimpleNamespace(model="gpt-4o", usage=types.SimpleNamespace(
            input_tokens=10, output_tokens=5, input_tokens_details=types.SimpleNamespace(cached_tokens=0)))
        with c.session("x") as s:
            s.llm_response(anthropic, cost_cents=1.5)
            s.llm_response(anthropic)
            s.llm_response(openai_chat)
            s.llm_response(openai_responses)
            s.llm_response(object())
            s.llm_response(None)
        self.assertTrue(c.flush(30))
        usage = t.events()[1]["payload"]["llm_usage"]
        self.assertEqual([
            {"model": "claude-sonnet-4-6", "input_tokens": 200, "output_tokens": 40, "cost_cents": 1.5,
             "cache_read_input_tokens": 600, "cache_creation_input_tokens": 80},
            {"model": "gpt-4o", "input_tokens": 310, "output_tokens": 55, "cost_cents": 0,
             "cache_read_input_tokens": 200},
            {"model": "unknown", "input_tokens": 0, "output_tokens": 0, "cost_cents": 0}], usage)

    def test_attributes_go_on_session_end_but_never_replace_reserved_fields(self):
        t = FakeTransport()
        c = self.client(t)
        with c.session("x") as s:
            s.attribute("ticket", "T-1").attribute("status", "hacked").attribute("nested", {"a": [1, 2]})
        self.assertTrue(c.flush(30))
        p = t.events()[1]["payload"]
        self.assertEqual(("T-1", "success", {"a": [1, 2]}), (p["ticket"], p["status"], p["nested"]))

    def test_track_copies_the_payload_and_takes_a_timestamp_and_session(self):
        import datetime
        t = FakeTransport()
        c = self.client(t)
        payload = {"category": "c"}
        c.track("session.start", payload, session_id="sess_elsewhere",
                ts=datetime.datetime(2026, 4, 29, 10, 30, tzinfo=datetime.timezone.utc))
        payload["category"] = "changed"
        self.assertTrue(c.flush(30))
        e = t.events()[0]
        self.assertEqual(("sess_elsewhere", "2026-04-29T10:30:00.000Z", {"category": "c"}),
                         (e["session_id"], e["ts"], e["payload"]))

    def test_heartbeats_report_version_uptime_and_drops(self):
        t = FakeTransport()
        c = self.client(t, heartbeat_interval=0.05, agent_version="agent-7")
        await_(lambda: any(e["event_type"] == "heartbeat" for e in t.events()), "a heartbeat")
        hb = [e for e in t.events() if e["event_type"] == "heartbeat"][0]
        self.assertEqual(c.instance_id, hb["session_id"])
        self.assertEqual("agent-7", hb["payload"]["agent_version"])
        self.assertGreaterEqual(hb["payload"]["pid_uptime_s"], 0)
        self.assertEqual(0, hb["payload"]["dropped_events_since_last"])

    def test_bad_settings_are_logged_and_the_defaults_kept(self):
        c = self.client(FakeTransport(), batch_size=5000, flush_interval="soon", buffer_capacity=-1, colour="blue")
        s = c._engine.settings
        self.assertEqual((100, 10000), (s.batch_size, s.buffer_capacity))
        self.assertEqual(5.0, s.flush_interval)
        problems = [m for level, m in self.logged if "ignored" in m]
        self.assertEqual(4, len(problems), problems)

    def test_an_endpoint_that_is_not_http_disables_the_client(self):
        c = brain.Client(api_key="k", endpoint="ftp://x", environ={}, register_atexit=False, logger=self.log)
        self.assertFalse(c.enabled)
        self.assertTrue(any("not an http(s) URL" in m for _, m in self.logged))

    def test_configuration_comes_from_the_environment(self):
        env = {"BRAIN_API_KEY": "brain_env", "BRAIN_ENDPOINT": "http://127.0.0.1:9/base",
               "BRAIN_SPOOL_DIR": self.tmp, "BRAIN_AGENT_VERSION": "9.9"}
        c = brain.Client(environ=env, register_atexit=False)
        self.clients.append(c)
        s = c._engine.settings
        self.assertEqual(("9.9", "/base/v1/events"), (s.agent_version, s.transport._path))
        self.assertTrue(s.spool_dir.startswith(self.tmp))
        self.assertEqual("Bearer brain_env", s.transport._headers["Authorization"])


if __name__ == "__main__":
    unittest.main()
