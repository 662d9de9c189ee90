import time
import unittest

import brain
from brain import _delivery, _transport
from .support import Collector, FakeTransport, SdkTest, await_


def rejection(event_id):
    return ('{"accepted":1,"duplicates":0,"rejected":[{"index":1,"event_id":"%s","code":"unknown_event_type",'
            '"message":"no such type"}]}' % event_id)


class DeliveryTest(SdkTest):

    def test_207_is_done_each_rejected_event_logged_once_and_nothing_resent(self):
        t = FakeTransport()
        c = self.client(t)
        c._engine.delivery._transport = lambda body: (t.send(body), brain.Response(207, None, rejection("e-2")))[1]
        c.track("heartbeat", {})
        c.track("bogus.type", {})
        self.assertTrue(c.flush(30))
        self.assertTrue(c.flush(1))
        self.assertEqual(1, len(t.bodies))
        warnings = [m for level, m in self.logged if "rejected event e-2 (unknown_event_type)" in m]
        self.assertEqual(1, len(warnings))
        self.assertEqual([], self.spool_files(c))

    def test_401_and_403_keep_the_events_and_pause_sending(self):
        for status in (401, 403):
            t = FakeTransport(brain.Response(status), brain.Response(202))
            c = self.client(t, max_retry_backoff=600)
            c.track("heartbeat", {"status": status})
            self.assertFalse(c.flush(0.3))
            self.assertEqual(1, len(t.bodies))
            self.assertEqual(1, len(self.spool_files(c)), "the events stay in the spool")
            self.assertGreater(c._engine.delivery.backoff_until - time.monotonic(), 500, "paused for the max backoff")
            self.assertTrue(any(level == "error" and str(status) in m for level, m in self.logged))
            c._engine.delivery.backoff_until = 0
            self.assertTrue(c.flush(30))
            self.assertEqual(events_ids(t.bodies[0]), events_ids(t.bodies[1]))
            c.shutdown()

    def test_429_and_503_honour_retry_after(self):
        for status in (429, 503):
            t = FakeTransport(brain.Response(status, 120), brain.Response(202))
            c = self.client(t)
            c.track("heartbeat", {})
            before = time.monotonic()
            self.assertFalse(c.flush(0.3), "flush returns early: the brain asked to be left alone past the deadline")
            wait = c._engine.delivery.backoff_until - before
            self.assertGreaterEqual(wait, 119)
            self.assertLessEqual(wait, 122)
            self.assertEqual(1, len(t.bodies))
            c.shutdown()

    def test_5xx_and_network_failures_back_off_exponentially_with_jitter(self):
        b = _delivery.Backoff(300)
        ceilings = [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
        for ceiling in ceilings:
            d = b.next_delay()
            self.assertTrue(ceiling / 2 <= d <= ceiling, (ceiling, d))
        b.reset()
        self.assertLessEqual(b.next_delay(), 1)
        t = FakeTransport(brain.Response(500), OSError("reset"), brain.Response(202))
        c = self.client(t)
        c.track("heartbeat", {})
        await_(lambda: len(t.bodies) == 1, "the first attempt")
        self.assertGreater(c._engine.delivery.backoff_until, time.monotonic() - 1)
        await_(lambda: len(t.bodies) == 3, "retried after the backoff")
        self.assertEqual(events_ids(t.bodies[0]), events_ids(t.bodies[2]))

    def test_400_and_413_drop_the_batch_and_count_it(self):
        for status in (400, 413):
            t = FakeTransport(brain.Response(status, None, '{"error":"bad"}'), brain.Response(202))
            c = self.client(t)
            c.track("heartbeat", {})
            c.track("heartbeat", {})
            self.assertTrue(c.flush(30))
            self.assertEqual([], self.spool_files(c))
            self.assertEqual(2, c._engine.dropped.get())
            c._engine.enqueue_heartbeat()
            self.assertTrue(c.flush(30))
            self.assertEqual(2, t.events()[-1]["payload"]["dropped_events_since_last"])
            c.shutdown()

    def test_retry_after_is_seconds_or_an_http_date(self):
        self.assertEqual(7, _transport.retry_after_seconds("7"))
        future = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 100))
        self.assertTrue(95 <= _transport.retry_after_seconds(future) <= 100)
        self.assertIsNone(_transport.retry_after_seconds("soon"))
        self.assertIsNone(_transport.retry_after_seconds(None))

    def test_the_http_transport_posts_gzip_with_the_key_and_reads_retry_after(self):
        collector = Collector()
        self.addCleanup(collector.close)
        c = self.client(None, endpoint=collector.endpoint)
        with c.session("http") as s:
            s.tool("t", 1, True)
        self.assertTrue(c.flush(30))
        self.assertEqual(2, len(collector.ids()))
        collector.status, collector.retry_after = 429, 30
        c.track("heartbeat", {})
        before = time.monotonic()
        self.assertFalse(c.flush(0.5))
        self.assertGreaterEqual(c._engine.delivery.backoff_until - before, 29)

    def test_a_dead_endpoint_costs_the_caller_nothing(self):
        c = self.client(None, endpoint="http://127.0.0.1:9", request_timeout=1)
        for _ in range(1000):
            c.track("heartbeat", {})
        self.assertFalse(c.flush(0.2))
        await_(lambda: len(self.spool_files(c)) > 0, "spooled")


def events_ids(body):
    from .support import events_of
    return [e["event_id"] for e in events_of(body)]


if __name__ == "__main__":
    unittest.main()
