package dev.brain.hook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SessionLogTest {
    // A log as the hook wrote it before records had names: a hook upgraded mid-session must read it.
    private static final String EARLIER_VERSION = String.join("\n",
            "start\t1700000000000\tclaude-code:startup\tclaude-sonnet-4-6\tshop\t4242\t1699999999000\t/t/s1.jsonl",
            "skip\t1234\t/t/s1.jsonl",
            "pre\t1700000000100\ttoolu_1",
            "pre\t1700000000150\t",
            "tool\t1700000000200\tRead\t-1\t1\ttoolu_1",
            "tool\t1700000000300\tBash\t4100\t0\t",
            "escalate\t1700000000400\tpermission requested for Bash",
            "fail\t1700000000500\trate_limit: slow down",
            "from-a-later-version\t1\tx",
            "") + "\n";

    private static final List<SessionRecord> RECORDS = List.of(
            new SessionRecord.Start(1700000000000L, "claude-code:startup", "claude-sonnet-4-6", "shop", 4242, 1699999999000L,
                    "/t/s1.jsonl"),
            new SessionRecord.Skip(1234, "/t/s1.jsonl"),
            new SessionRecord.Pre(1700000000100L, "toolu_1"),
            new SessionRecord.Tool(1700000000200L, "Read", -1, true, "toolu_1"),
            new SessionRecord.Tool(1700000000300L, "Bash", 4100, false, null),
            new SessionRecord.Escalate(1700000000400L, "permission requested for Bash"),
            new SessionRecord.Fail(1700000000500L, "rate_limit: slow down"));

    @Test
    void a_log_the_earlier_version_wrote_reads_as_named_records(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s1.log");
        Files.writeString(file, EARLIER_VERSION);
        assertEquals(RECORDS, SessionLog.at(file).records());
    }

    @Test
    void records_are_written_in_the_earlier_versions_format(@TempDir Path dir) throws Exception {
        SessionLog log = SessionLog.of(dir, "s1");
        for (SessionRecord r : RECORDS) {
            log.append(r);
        }
        List<String> expected = EARLIER_VERSION.lines()
                .filter(l -> !l.isEmpty() && !l.startsWith("from-a-later") && !l.equals("pre\t1700000000150\t")).toList();
        assertEquals(expected, Files.readAllLines(log.file()));
    }

    @Test
    void an_unknown_owner_is_written_as_empty_fields_and_reads_back_as_unknown(@TempDir Path dir) throws Exception {
        SessionLog log = SessionLog.of(dir, "s2");
        log.append(new SessionRecord.Start(5, "claude-code:resume", null, "c", -1, -1, null));
        assertEquals(List.of("start\t5\tclaude-code:resume\t\tc\t\t\t"), Files.readAllLines(log.file()));
        assertEquals(List.of(new SessionRecord.Start(5, "claude-code:resume", null, "c", -1, -1, null)), log.records());
    }

    @Test
    void a_log_claimed_by_a_process_that_died_goes_back_to_the_next_hook_and_a_live_claim_stays(@TempDir Path dir)
            throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path dead = Files.writeString(dir.resolve("s-dead.log.ending-" + gone.pid()), EARLIER_VERSION);
        Path live = Files.writeString(dir.resolve("s-live.log.ending-" + ProcessHandle.current().pid()), EARLIER_VERSION);

        List<Path> others = SessionLog.others(dir, "s-mine");

        assertEquals(List.of(dir.resolve("s-dead.log")), others);
        assertEquals(false, Files.exists(dead));
        assertEquals(RECORDS, SessionLog.at(dir.resolve("s-dead.log")).records());
        assertEquals(true, Files.exists(live), "a claim whose process still runs is that process's to finish");
    }
}
