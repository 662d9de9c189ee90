package dev.brain.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.auth.Principal;
import dev.brain.db.Database;
import dev.brain.error.DatabaseFailure;
import dev.brain.metrics.Metrics;
import dev.brain.support.TestDb;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Concurrent requests committed together: each event stored once, each request told what was its own, failures kept apart. */
class GroupCommitTest {
    private static final Principal AGENT_1 = new Principal("key_g1", "agent_g1", "cust_g", "a", false);
    private static final Principal AGENT_2 = new Principal("key_g2", "agent_g2", "cust_g", "a", false);
    private static TestDb testDb;
    private static Database db;

    @BeforeAll
    static void start() {
        testDb = TestDb.create();
        db = Database.open(testDb.config(), 8);
        db.migrate();
        db.jdbi().useHandle(h -> {
            h.execute("insert into customers (id, name, privacy_tier) values ('cust_g', 'G', 'a')");
            h.execute("insert into agents (id, customer_id) values ('agent_g1', 'cust_g'), ('agent_g2', 'cust_g')");
        });
    }

    @AfterAll
    static void stop() {
        db.close();
        testDb.close();
    }

    private static List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        return ids;
    }

    private static List<EventStore.Row> rows(List<String> ids) {
        String ts = Instant.now().toString();
        return ids.stream().map(id -> new EventStore.Row(id, ts, "session.start", "sess_" + id, "{\"category\":\"c\"}")).toList();
    }

    private static List<String> shuffled(List<String> ids, long seed) {
        List<String> copy = new ArrayList<>(ids);
        Collections.shuffle(copy, new Random(seed));
        return copy;
    }

    private static long stored(List<String> ids) {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from events where event_id::text in (<ids>)")
                .bindList("ids", ids).mapTo(Long.class).one());
    }

    // Each request's events come in its own order, so concurrent statements meet shared keys in different orders:
    // without one claiming order they deadlock, and one of them fails.
    @RepeatedTest(5)
    void concurrent_requests_with_overlapping_event_ids_store_each_event_once_and_count_it_once() throws Exception {
        var metrics = new Metrics();
        var store = new EventStore(db.jdbi(), db.dataSource(), metrics);
        List<String> pool = ids(1000);
        int requests = 32;
        ExecutorService clients = Executors.newFixedThreadPool(requests);
        try {
            var go = new CountDownLatch(1);
            List<List<String>> sent = new ArrayList<>();
            List<Future<EventStore.Stored>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                // Request i carries 100 ids starting at 25 * i: each overlaps its neighbours by 75.
                List<String> mine = shuffled(pool.subList(25 * i, 25 * i + 100), i);
                sent.add(mine);
                answers.add(clients.submit(() -> {
                    go.await();
                    return store.store(AGENT_1, rows(mine), List.of(), "req");
                }));
            }
            go.countDown();
            Set<String> distinct = new HashSet<>();
            sent.forEach(distinct::addAll);
            Set<String> reportedNew = new HashSet<>();
            int inserted = 0;
            for (int i = 0; i < requests; i++) {
                EventStore.Stored s = answers.get(i).get();
                assertEquals(s.ids().size(), s.inserted());
                assertTrue(sent.get(i).containsAll(s.ids()), "a request is told only about its own events");
                s.ids().forEach(id -> assertTrue(reportedNew.add(id), "two requests were both told " + id + " was new"));
                inserted += s.inserted();
            }
            assertEquals(distinct.size(), inserted);
            assertEquals(reportedNew, distinct);
            assertEquals(distinct.size(), stored(new ArrayList<>(distinct)));
            // /metrics shows the grouping: every request answered by exactly one commit, every row sent counted once.
            assertEquals(requests, metrics.count("brain_ingest_commit_requests_total"));
            assertEquals(100L * requests, metrics.count("brain_ingest_commit_rows_total"));
            long commits = metrics.count("brain_ingest_commits_total");
            assertTrue(commits >= 1 && commits <= requests, commits + " commits for " + requests + " requests");
        } finally {
            clients.shutdown();
        }
    }

    @Test
    void in_one_group_an_event_two_requests_carry_goes_to_the_first_and_another_agents_same_id_is_its_own() throws Exception {
        List<String> shared = ids(3);
        var first = new GroupCommit.Request(AGENT_1, rows(shared));
        var second = new GroupCommit.Request(AGENT_1, rows(shared));
        var otherAgent = new GroupCommit.Request(AGENT_2, rows(shared));
        try (var c = db.dataSource().getConnection()) {
            var fresh = GroupCommit.insert(c, List.of(first, second, otherAgent));
            assertEquals(Set.copyOf(shared), fresh.get(first));
            assertEquals(null, fresh.get(second));
            assertEquals(Set.copyOf(shared), fresh.get(otherAgent));
        }
        assertEquals(6, stored(shared));
    }

    @Test
    void a_request_whose_rows_postgresql_refuses_fails_alone_and_its_neighbours_are_stored() {
        var groups = new GroupCommit(db.dataSource(), new Metrics());
        List<String> before = ids(50);
        List<String> broken = ids(2);
        List<String> after = ids(50);
        var good1 = new GroupCommit.Request(AGENT_1, rows(before));
        var bad = new GroupCommit.Request(AGENT_2, List.of(rows(broken).get(0),
                new EventStore.Row(broken.get(1), Instant.now().toString(), "session.start", "s", "{not json")));
        var good2 = new GroupCommit.Request(AGENT_2, rows(after));

        groups.commit(List.of(good1, bad, good2));

        assertEquals(Set.copyOf(before), good1.done.join());
        assertEquals(Set.copyOf(after), good2.done.join());
        var failed = assertThrows(CompletionException.class, bad.done::join);
        assertInstanceOf(DatabaseFailure.class, failed.getCause());
        assertEquals(100, stored(concat(before, after)));
        assertEquals(0, stored(broken), "the failed request stored none of its rows");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
