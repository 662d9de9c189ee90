package dev.brain.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.db.Database;
import dev.brain.http.Json;
import dev.brain.metrics.Metrics;
import dev.brain.support.TestDb;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sessionizer over a real PostgreSQL: open once, sums at close, retries, continuations, restarts, two closers. */
class SessionizerTest {
    private static TestDb testDb;
    private static Database db;
    private static final Instant T0 = Instant.now().minusSeconds(600);

    @BeforeAll
    static void start() {
        testDb = TestDb.create();
        db = Database.open(testDb.config());
        db.migrate();
        db.jdbi().useHandle(h -> {
            h.execute("insert into customers (id, name, privacy_tier) values ('cust_s', 'S', 'a')");
            h.execute("insert into agents (id, customer_id) values ('agent_s', 'cust_s')");
        });
    }

    @AfterAll
    static void stop() {
        db.close();
        testDb.close();
    }

    private static Sessionizer sessionizer(Database on) {
        return new Sessionizer(on.jdbi(), Json.mapper(), new Metrics());
    }

    private static SessionCloser closer(Database on) {
        return new SessionCloser(on.jdbi(), Duration.ZERO, new Metrics());
    }

    private static Fragment.Session session(String id) {
        return new Fragment.Session("cust_s", "agent_s", id, "coding", "otlp:test");
    }

    private static UUID id(String s) {
        return UUID.nameUUIDFromBytes(s.getBytes());
    }

    private static List<Fragment> run(String sid) {
        var s = session(sid);
        return List.of(
                Fragment.prompt(s, id(sid + "p"), T0, 42L),
                Fragment.llm(s, id(sid + "l1"), T0.plusMillis(100), "claude-a",
                        new Fragment.Usage(10, 20, 30, 40, new BigDecimal("1.5")), 900L),
                Fragment.tool(s, id(sid + "t1"), T0.plusMillis(1000), "Bash", true, 12L),
                Fragment.tool(s, id(sid + "t2"), T0.plusMillis(2000), "Read", false, 5L),
                Fragment.llm(s, id(sid + "l2"), T0.plusMillis(3000), "claude-a",
                        new Fragment.Usage(1, 2, 3, 4, new BigDecimal("0.25")), 100L),
                Fragment.llm(s, id(sid + "l3"), T0.plusMillis(4000), "claude-b", new Fragment.Usage(5, 6, 0, 0, null), 50L));
    }

    private static long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private static List<JsonNode> ends(String sid) {
        return db.jdbi().withHandle(h -> h.createQuery("select payload::text from events where event_type = 'session.end'"
                + " and session_id = :s order by ts, id").bind("s", sid).mapTo(String.class).list()).stream()
                .map(SessionizerTest::tree).toList();
    }

    private static JsonNode tree(String s) {
        try {
            return Json.mapper().readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_session_opens_once_and_closes_with_the_sums_of_its_records_even_when_every_export_is_retried() {
        Sessionizer sessionizer = sessionizer(db);
        assertEquals(6, sessionizer.record(run("s1")));
        assertEquals(0, sessionizer.record(run("s1")));
        assertEquals(1, count("select count(*) from events where session_id = 's1' and event_type = 'session.start'"));
        assertEquals(0, ends("s1").size(), "an open session has no end yet");

        closer(db).runOnce();
        closer(db).runOnce();
        List<JsonNode> ends = ends("s1");
        assertEquals(1, ends.size());
        JsonNode end = ends.get(0);
        assertEquals("success", end.get("status").asText());
        assertEquals(4000, end.get("duration_ms").asLong());
        assertEquals(2, end.get("tool_calls").size());
        assertEquals("Bash", end.get("tool_calls").get(0).get("name").asText());
        assertFalse(end.get("tool_calls").get(1).get("ok").asBoolean());
        assertEquals(1, end.get("prompts").asInt());
        JsonNode a = end.get("llm_usage").get(0);
        assertEquals("claude-a", a.get("model").asText());
        assertEquals(11 + 33 + 44, a.get("input_tokens").asLong(), "every input token read, as the hooks report it");
        assertEquals(11, a.get("uncached_input_tokens").asLong());
        assertEquals(22, a.get("output_tokens").asLong());
        assertEquals(33, a.get("cache_read_input_tokens").asLong());
        assertEquals(44, a.get("cache_creation_input_tokens").asLong());
        assertEquals(0, new BigDecimal("1.75").compareTo(a.get("cost_cents").decimalValue()));
        JsonNode b = end.get("llm_usage").get(1);
        assertFalse(b.has("cost_cents"), "an unpriced model stays without cost, never zero");

        assertEquals(0, sessionizer.record(run("s1")), "a retry after the close is still the same records");
        closer(db).runOnce();
        assertEquals(1, ends("s1").size());
    }

    @Test
    void a_session_ending_on_an_error_fails_and_a_rejected_tool_escalates() {
        var f = session("s2");
        var e = session("s3");
        sessionizer(db).record(List.of(
                Fragment.tool(f, id("s2t"), T0, "Bash", true, 1L),
                Fragment.error(f, id("s2e"), T0.plusSeconds(1), "claude_code.api_error"),
                Fragment.tool(e, id("s3t"), T0, "Bash", true, 1L),
                Fragment.status(e, id("s3s"), T0.plusSeconds(1), "escalated")));
        closer(db).runOnce();
        assertEquals("failed", ends("s2").get(0).get("status").asText());
        assertEquals("escalated", ends("s3").get(0).get("status").asText());
    }

    @Test
    void a_known_end_closes_at_once_with_its_exact_span_and_status() {
        var s = session("s4");
        var longIdle = new SessionCloser(db.jdbi(), Duration.ofHours(1), new Metrics());
        sessionizer(db).record(List.of(Fragment.tool(s, id("s4t"), T0.plusSeconds(1), "Bash", true, 1L)));
        longIdle.runOnce();
        assertEquals(0, ends("s4").size(), "not idle yet, no end known");
        sessionizer(db).record(List.of(Fragment.end(s, id("s4end"), T0, T0.plusSeconds(10), "failed")));
        longIdle.runOnce();
        JsonNode end = ends("s4").get(0);
        assertEquals("failed", end.get("status").asText());
        assertEquals(10_000, end.get("duration_ms").asLong());
    }

    @Test
    void a_record_after_the_close_continues_the_session_without_a_second_start_or_a_recount() {
        var s = session("s5");
        sessionizer(db).record(List.of(Fragment.tool(s, id("s5a"), T0, "Bash", true, 1L)));
        closer(db).runOnce();
        sessionizer(db).record(List.of(Fragment.tool(s, id("s5a"), T0, "Bash", true, 1L),
                Fragment.tool(s, id("s5b"), T0.plusSeconds(5), "Edit", true, 2L)));
        closer(db).runOnce();
        assertEquals(1, count("select count(*) from events where session_id = 's5' and event_type = 'session.start'"));
        List<JsonNode> ends = ends("s5");
        assertEquals(2, ends.size());
        assertEquals(1, ends.get(1).get("continuation").asInt());
        assertEquals("success", ends.get(0).get("status").asText());
        assertNull(ends.get(1).get("status"), "a continuation is not a second ended session: outcomes count the first end only");
        assertEquals(1, ends.get(1).get("tool_calls").size(), "only the late record, the first one counted once");
        assertEquals("Edit", ends.get(1).get("tool_calls").get(0).get("name").asText());
    }

    @Test
    void a_session_the_hooks_reported_is_counted_once_through_the_hooks() {
        db.jdbi().useHandle(h -> h.execute("insert into events (ts, customer_id, agent_id, event_type, session_id, event_id, payload)"
                + " values (now(), 'cust_s', 'agent_s', 'session.start', 's6', gen_random_uuid(),"
                + " '{\"category\":\"coding\",\"source\":\"claude-code-hook:startup\"}')"));
        sessionizer(db).record(List.of(Fragment.tool(session("s6"), id("s6t"), T0, "Bash", true, 1L)));
        closer(db).runOnce();
        assertEquals(1, count("select count(*) from events where session_id = 's6'"), "only the hooks' start");
        assertEquals(1, count("select count(*) from sessionizer_sessions where session_id = 's6' and closed_at is not null"));
    }

    @Test
    void after_a_restart_and_with_two_instances_closing_each_session_is_closed_exactly_once() throws Exception {
        List<Fragment> first = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            first.add(Fragment.tool(session("r" + i), id("r" + i + "a"), T0, "Bash", true, 1L));
        }
        sessionizer(db).record(first);
        // A second process on the same database: the sessions it sees are the ones the first opened.
        try (Database other = Database.open(testDb.config())) {
            List<Fragment> more = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                more.add(Fragment.tool(session("r" + i), id("r" + i + "b"), T0.plusSeconds(1), "Read", true, 1L));
            }
            sessionizer(other).record(more);
            SessionCloser a = closer(db);
            SessionCloser b = closer(other);
            var ra = CompletableFuture.supplyAsync(a::runOnce);
            var rb = CompletableFuture.supplyAsync(b::runOnce);
            long closed = ra.get().closed() + rb.get().closed() + a.runOnce().closed() + b.runOnce().closed();
            assertEquals(300, closed);
        }
        assertEquals(300, count("select count(*) from events where session_id like 'r%' and event_type = 'session.start'"));
        assertEquals(300, count("select count(*) from events where session_id like 'r%' and event_type = 'session.end'"));
        assertTrue(count("select count(*) from events where session_id like 'r%' and event_type = 'session.end'"
                + " and jsonb_array_length(payload -> 'tool_calls') = 2") == 300);
    }
}
