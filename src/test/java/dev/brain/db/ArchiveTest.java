package dev.brain.db;

import static dev.brain.support.Brain.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.admin.ArchiveCommands;
import dev.brain.error.ArchiveFailed;
import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BRAIN_ARCHIVE_DIR: a month is archived, verified and only then dropped; list, restore, privacy and damage. */
class ArchiveTest {
    @TempDir
    Path dir;
    Brain brain;
    Clock at;
    Instant oldTs;
    YearMonth oldMonth;

    @BeforeEach
    void up() throws Exception {
        brain = Brain.start();
        Await.until(Duration.ofSeconds(60), "the scheduled start-up maintenance has run",
                () -> brain.server.metrics().count("brain_job_runs_total", "job", "partition-maintenance") >= 1);
        at = Clock.fixed(Instant.now(), ZoneOffset.UTC);
        oldTs = at.instant().minus(Duration.ofDays(390));
        oldMonth = YearMonth.from(oldTs.atZone(ZoneOffset.UTC));
        String keyB = brain.newAgentKey("cust_b", "agent_b", "b");
        brain.admin("customer", "add", "--id", "cust_c", "--name", "C", "--tier", "c");
        brain.admin("customer", "tier-c", "--id", "cust_c", "--enabled", "true");
        brain.admin("agent", "add", "--id", "agent_c", "--customer", "cust_c");
        String keyC = brain.admin("key", "create", "--agent", "agent_c").trim();
        for (int i = 0; i < 3; i++) {
            post(keyB, event(UUID.randomUUID().toString(), oldTs.plusSeconds(i).toString(), "session.start", "sb" + i, "{\"category\":\"c\"}"));
        }
        post(keyC, event(UUID.randomUUID().toString(), oldTs.toString(), "session.end", "sc", "{\"status\":\"success\",\"summary_raw\":\"secret-c\"}"));
        post(keyB, event(UUID.randomUUID().toString(), at.instant().toString(), "session.start", "recent", "{\"category\":\"c\"}"));
        // A tier-b row that still holds a raw summary (as rows written before a tier change might): never archived.
        brain.server.db().jdbi().useHandle(h -> {
            h.execute("update events set payload = payload || '{\"summary_raw\":\"secret-b\"}' where session_id = 'sb0'");
            h.execute("insert into rejected_events (rejected_at, customer_id, code) values (?, 'cust_b', 'invalid_event')", oldTs);
        });
    }

    @AfterEach
    void down() {
        brain.close();
    }

    private void post(String key, String event) {
        var r = brain.post(key, event);
        assertEquals(202, r.statusCode(), r.body());
    }

    private PartitionMaintenance.Report sixtyDaysLater(Archive archive) {
        return new PartitionMaintenance(brain.server.db().jdbi(), Clock.offset(at, Duration.ofDays(60)), Duration.ofDays(400), 3, archive).runOnce();
    }

    private String text(Path gz) throws Exception {
        try (var in = new GZIPInputStream(Files.newInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void a_month_is_archived_and_verified_before_it_is_dropped_and_restores_idempotently() throws Exception {
        Archive archive = Archive.at(dir.toString());
        var report = sixtyDaysLater(archive);
        assertTrue(report.dropped().contains(PartitionMaintenance.name(oldMonth)), report.toString());
        assertEquals(0, brain.count("select count(*) from events where ts < '" + oldMonth.plusMonths(1).atDay(1) + "'"));
        assertEquals(0, brain.count("select count(*) from rejected_events"));
        assertEquals(1, brain.count("select count(*) from events"), "the recent event stays");

        Path month = dir.resolve(oldMonth.toString());
        try (Stream<Path> files = Files.list(month)) {
            assertEquals(List.of("events.copy.gz", "manifest.json", "rejected_events.copy.gz"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left behind");
        }
        Archive.Listed listed = archive.check(oldMonth);
        assertNull(listed.problem());
        assertEquals(4, listed.manifest().rows("events"));
        assertEquals(1, listed.manifest().rows("rejected_events"));
        assertEquals(4, brain.count("select events from archived_months where month = '" + oldMonth.atDay(1) + "'"));
        String events = text(month.resolve("events.copy.gz"));
        assertTrue(events.contains("secret-c"), "tier c with the switch on keeps its raw summary");
        assertFalse(events.contains("secret-b"), "tier b's raw summary never reaches the archive");

        var out = new ByteArrayOutputStream();
        assertEquals(0, ArchiveCommands.list(archive, new PrintStream(out, true, StandardCharsets.UTF_8)));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains(oldMonth + "\t4\t1\t"), out.toString(StandardCharsets.UTF_8));

        var restore = new ArchiveRestore(archive, brain.server.db().jdbi());
        String table = ArchiveRestore.SCHEMA + "." + PartitionMaintenance.name(oldMonth);
        assertEquals(List.of(new ArchiveRestore.Restored(table, 4), new ArchiveRestore.Restored(table.replace(".events_", ".rejected_events_"), 1)),
                restore.restore(oldMonth));
        assertEquals(1, brain.count("select count(*) from " + table + " where payload->>'summary_raw' = 'secret-c'"));
        // Restored again after the customer turned Tier C off: same rows, and today's tier applies to them.
        brain.admin("customer", "tier-c", "--id", "cust_c", "--enabled", "false");
        restore.restore(oldMonth);
        assertEquals(4, brain.count("select count(*) from " + table));
        assertEquals(0, brain.count("select count(*) from " + table + " where payload ? 'summary_raw'"));
        assertEquals(1, brain.count("select count(*) from brain_archive.rejected_events_y" + oldMonth.getYear()
                + String.format("m%02d", oldMonth.getMonthValue())));

        // A damaged file is reported and never restored.
        byte[] bytes = Files.readAllBytes(month.resolve("events.copy.gz"));
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(month.resolve("events.copy.gz"), bytes);
        out.reset();
        assertEquals(1, ArchiveCommands.list(archive, new PrintStream(out, true, StandardCharsets.UTF_8)));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("DAMAGED"), out.toString(StandardCharsets.UTF_8));
        assertThrows(ArchiveFailed.class, () -> restore.restore(oldMonth));
    }

    @Test
    void nothing_is_dropped_when_the_archive_cannot_be_written_nor_by_an_instance_without_the_archive() throws Exception {
        // The temporary name is taken by a directory: writing fails, the month stays in the database.
        Files.createDirectories(dir.resolve(oldMonth.toString()).resolve("events.copy.gz.tmp"));
        assertThrows(ArchiveFailed.class, () -> sixtyDaysLater(Archive.at(dir.toString())));
        assertEquals(4, brain.count("select count(*) from events where ts < '" + oldMonth.plusMonths(1).atDay(1) + "'"));
        assertEquals(1, brain.count("select count(*) from rejected_events"));
        assertEquals(0, brain.count("select count(*) from archived_months where month = '" + oldMonth.atDay(1) + "'"));

        // Once this database has archived a month, an instance without BRAIN_ARCHIVE_DIR drops nothing.
        brain.server.db().jdbi().useHandle(h -> h.execute(
                "insert into archived_months (month, directory, manifest_sha256, events, rejected_events) values ('2000-01-01', '/x', 'x', 0, 0)"));
        var report = sixtyDaysLater(null);
        assertTrue(report.dropped().isEmpty(), report.toString());
        assertEquals(4, brain.count("select count(*) from events where ts < '" + oldMonth.plusMonths(1).atDay(1) + "'"));
    }
}
