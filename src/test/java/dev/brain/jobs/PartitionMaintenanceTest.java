package dev.brain.jobs;

import static dev.brain.support.Brain.event;
import static dev.brain.support.Brain.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PartitionMaintenanceTest {
    Brain brain;
    String key;

    @BeforeEach
    void up() throws Exception {
        brain = Brain.start();
        key = brain.newAgentKey("cust_parts", "agent_parts", "b");
        // The server's first maintenance runs 1.5 s after start, on the jobs thread just before its first rollup fold:
        // once the fold has moved fresh_as_of, that maintenance is over and cannot compete with the tests' own runs.
        Instant migrated = freshAsOf();
        Await.until("the server's first scheduled jobs have run", () -> freshAsOf().isAfter(migrated));
        Await.until("maintenance of our own", () -> maintenance(Clock.systemUTC()).runOnce().ran());
    }

    @AfterEach
    void down() {
        brain.close();
    }

    private Instant freshAsOf() {
        return brain.query("select fresh_as_of from rollup_state where name = 'events'", rs -> rs.getTimestamp(1).toInstant()).get(0);
    }

    private PartitionMaintenance maintenance(Clock clock) {
        return new PartitionMaintenance(brain.server.db().jdbi(), clock, Duration.ofDays(400), 3);
    }

    private List<String> partitions() {
        return brain.server.db().jdbi().withHandle(PartitionMaintenance::partitions);
    }

    @Test
    void partitions_cover_the_retention_window_and_three_months_ahead() {
        // One instant for the runs and the expectations, so a month boundary cannot fall between them.
        Clock at = Clock.fixed(Instant.now(), ZoneOffset.UTC);
        maintenance(at).runOnce();
        List<String> names = partitions();
        YearMonth now = YearMonth.now(at);
        assertTrue(names.contains("events_default"));
        for (int ahead = 0; ahead <= 3; ahead++) {
            assertTrue(names.contains(PartitionMaintenance.name(now.plusMonths(ahead))), names.toString());
        }
        assertTrue(names.contains(PartitionMaintenance.name(YearMonth.from(at.instant().minus(Duration.ofDays(400)).atZone(ZoneOffset.UTC)))));
        assertFalse(names.contains(PartitionMaintenance.name(now.plusMonths(4))));
        var again = maintenance(at).runOnce();
        assertTrue(again.created().isEmpty(), "second run creates nothing: " + again.created());
    }

    @Test
    void rows_in_the_default_partition_move_into_a_new_partition_even_under_concurrent_inserts() throws Exception {
        Clock at = Clock.fixed(Instant.now(), ZoneOffset.UTC);
        maintenance(at).runOnce();
        String month = PartitionMaintenance.name(YearMonth.now(at));
        brain.server.db().jdbi().useHandle(h -> h.execute("drop table " + month));
        String early = UUID.randomUUID().toString();
        assertEquals(202, brain.post(key, event(early, at.instant().toString(), "session.start", "s", "{\"category\":\"c\"}")).statusCode());
        assertEquals(1, brain.count("select count(*) from events_default where event_id = '" + early + "'"));

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger accepted = new AtomicInteger(1);
        var pool = Executors.newFixedThreadPool(2);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            writers.add(pool.submit(() -> {
                while (running.get()) {
                    var r = brain.post(key, Brain.start("concurrent"));
                    assertEquals(202, r.statusCode(), r.body());
                    accepted.addAndGet(json(r).get("accepted").asInt());
                }
                return null;
            }));
        }
        // Inserts before, during and after the move, however slowly the writers get going.
        // A writer that failed ends the wait; its future reports why below.
        Await.until("the writers are inserting", () -> accepted.get() >= 4 || writers.stream().anyMatch(Future::isDone));
        var report = maintenance(at).runOnce();
        int afterMove = accepted.get();
        Await.until("the writers insert after the move",
                () -> accepted.get() >= afterMove + 3 || writers.stream().anyMatch(Future::isDone));
        running.set(false);
        for (var f : writers) {
            f.get();
        }
        pool.shutdown();
        assertEquals(List.of(month), report.created());
        assertEquals(accepted.get(), brain.count("select count(*) from events"));
        assertEquals(0, brain.count("select count(*) from events_default"));
        assertEquals(month, brain.query("select tableoid::regclass::text from events where event_id = '" + early + "'", rs -> rs.getString(1)).get(0));
    }

    @Test
    void retention_drops_partitions_entirely_older_than_the_horizon_and_expires_their_keys() {
        Clock at = Clock.fixed(Instant.now(), ZoneOffset.UTC);
        maintenance(at).runOnce();
        String old = UUID.randomUUID().toString();
        String recent = UUID.randomUUID().toString();
        Instant oldTs = at.instant().minus(Duration.ofDays(390));
        assertEquals(202, brain.post(key, event(old, oldTs.toString(), "session.start", "s", "{\"category\":\"c\"}")).statusCode());
        assertEquals(202, brain.post(key, event(recent, at.instant().toString(), "session.start", "s", "{\"category\":\"c\"}")).statusCode());
        YearMonth oldMonth = YearMonth.from(oldTs.atZone(ZoneOffset.UTC));

        // Sixty days later, the 390-day-old event is 450 days old: past the 400-day horizon.
        Clock later = Clock.offset(at, Duration.ofDays(60));
        var report = maintenance(later).runOnce();
        assertTrue(report.dropped().contains(PartitionMaintenance.name(oldMonth)), report.toString());
        assertFalse(partitions().contains(PartitionMaintenance.name(oldMonth)));
        assertEquals(0, brain.count("select count(*) from events where event_id = '" + old + "'"));
        assertEquals(1, brain.count("select count(*) from events where event_id = '" + recent + "'"));
        assertEquals(0, brain.count("select count(*) from event_keys where event_id = '" + old + "'"));
        assertEquals(1, brain.count("select count(*) from event_keys where event_id = '" + recent + "'"));
        Instant horizon = later.instant().minus(Duration.ofDays(400));
        for (String p : partitions()) {
            if (p.startsWith("events_y")) {
                YearMonth m = YearMonth.of(Integer.parseInt(p.substring(8, 12)), Integer.parseInt(p.substring(13, 15)));
                assertTrue(m.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(horizon), p + " should be gone");
            }
        }
    }

    @Test
    void concurrent_runs_take_turns_through_the_advisory_lock() throws Exception {
        brain.server.db().jdbi().useHandle(h -> {
            for (String p : PartitionMaintenance.partitions(h)) {
                if (p.startsWith("events_y")) {
                    h.execute("drop table " + p);
                }
            }
        });
        var pool = Executors.newFixedThreadPool(4);
        var go = new CountDownLatch(1);
        List<Future<PartitionMaintenance.Report>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(pool.submit((Callable<PartitionMaintenance.Report>) () -> {
                go.await();
                return maintenance(Clock.systemUTC()).runOnce();
            }));
        }
        go.countDown();
        int created = 0;
        for (var f : runs) {
            created += f.get().created().size();
        }
        pool.shutdown();
        long expected = partitions().stream().filter(p -> p.startsWith("events_y")).count();
        assertEquals(expected, created, "each partition created exactly once across concurrent runs");
        assertTrue(expected >= 17);
    }
}
