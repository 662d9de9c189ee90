package dev.brain.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.admin.AdminCli;
import dev.brain.db.Database;
import dev.brain.redact.ScrubberRedactor;
import dev.brain.support.TestDb;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * `make test-cluster` (not part of `make test`: it takes minutes). nginx from Debian's package, configured by
 * deploy/nginx.conf, in front of two brain processes (the built jar) on one PostgreSQL; four Java-SDK agent
 * processes run sessions through nginx for 60 s; one brain is killed with SIGKILL mid-run and restarted. Every event
 * is stored exactly once, no agent saw an error it did not retry, both brains ran the scheduled jobs and no two runs
 * of a job overlapped. Then the throughput through nginx with one brain and with two, side by side.
 */
class TwoBrainsBehindNginxIT {
    private static final int AGENTS = 4;
    private static final int SECONDS = 60;
    private static final int SESSIONS_PER_SECOND = 40;
    private static final Pattern RESULT = Pattern.compile("sessions=(\\d+) problems=(\\d+) delivered=(true|false)");

    @Test
    void two_brains_behind_nginx_store_every_event_once_through_a_sigkill_and_share_the_jobs() throws Exception {
        try (TestDb db = TestDb.create(); Processes procs = new Processes(Path.of("target/cluster"))) {
            Map<String, String> env = Map.of("DATABASE_URL", db.url(), "BRAIN_RATE_LIMIT_RPS", "0", "BRAIN_ROLLUP_INTERVAL_S", "2",
                    "BRAIN_MAINTENANCE_INTERVAL_S", "3", "BRAIN_LOG_LEVEL", "warn", "BRAIN_SHUTDOWN_GRACE_S", "2");
            List<String> keys = keys(db, "agent_cluster_", AGENTS);
            int portA = Processes.freePort();
            int portB = Processes.freePort();
            Process a = procs.brain("a", portA, env);
            Process b = procs.brain("b", portB, env);
            int lb = Processes.freePort();
            procs.nginx("two", lb, List.of(portA, portB));

            List<Process> agents = new ArrayList<>();
            for (int i = 0; i < AGENTS; i++) {
                agents.add(procs.agent(String.valueOf(i), "http://127.0.0.1:" + lb, keys.get(i), SECONDS, SESSIONS_PER_SECOND));
            }
            // Mid-run: brain a dies without a chance to finish anything, and comes back on the same port.
            Thread.sleep(20_000);
            a.destroyForcibly().waitFor();
            Thread.sleep(5_000);
            a = procs.brain("a", portA, env);

            for (int i = 0; i < AGENTS; i++) {
                assertTrue(agents.get(i).waitFor(SECONDS + 900, TimeUnit.SECONDS), "agent " + i + " finished");
                String out = Files.readString(procs.work.resolve("agent-" + i + ".out")).trim();
                String err = Files.readString(procs.work.resolve("agent-" + i + ".err"));
                Matcher m = RESULT.matcher(out);
                assertTrue(m.find(), "agent " + i + " printed its result: " + out + " " + err);
                long sessions = Long.parseLong(m.group(1));
                assertEquals("0", m.group(2), "agent " + i + " saw no error it did not retry: " + err);
                assertEquals("true", m.group(3), "agent " + i + " delivered everything");
                String agent = "agent_cluster_" + i;
                assertEquals(2 * sessions, count(db, "select count(*) from events where agent_id = '" + agent + "'"), "every event stored");
                assertEquals(0, count(db, "select count(*) - count(distinct event_id) from events where agent_id = '" + agent + "'"),
                        "no event stored twice");
                assertEquals(sessions, count(db, "select count(distinct session_id) from events where agent_id = '" + agent
                        + "' and event_type = 'session.end'"), "every session ended once");
            }
            assertJobsSharedWithoutOverlap(db);

            Files.writeString(procs.work.resolve("throughput.txt"), throughput(procs, db, portA, portB, a, b));
        }
    }

    // Runs of one job, on the database's clock, never overlap; more than one brain ran them.
    private static void assertJobsSharedWithoutOverlap(TestDb db) throws Exception {
        Map<String, Timestamp> lastEnd = new HashMap<>();
        Set<String> instances = new HashSet<>();
        int runs = 0;
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
                "select job, instance, started_at, finished_at from job_runs order by job, started_at")) {
            while (rs.next()) {
                Timestamp previous = lastEnd.put(rs.getString(1), rs.getTimestamp(4));
                assertTrue(previous == null || !rs.getTimestamp(3).before(previous),
                        rs.getString(1) + " run by " + rs.getString(2) + " at " + rs.getTimestamp(3) + " overlaps one that ended " + previous);
                instances.add(rs.getString(2).substring(0, rs.getString(2).indexOf('/')));
                runs++;
            }
        }
        assertEquals(Set.of("brain-a", "brain-b"), instances, "both brains ran scheduled jobs (" + runs + " runs)");
    }

    private static String throughput(Processes procs, TestDb db, int portA, int portB, Process a, Process b) throws Exception {
        List<String> keys = keys(db, "agent_load_", 8);
        int one = Processes.freePort();
        procs.nginx("one", one, List.of(portA));
        int two = Processes.freePort();
        procs.nginx("two-load", two, List.of(portA, portB));
        Duration warmup = Duration.ofSeconds(5);
        Duration measure = Duration.ofSeconds(20);
        Load.Result withOne = Load.run("http://127.0.0.1:" + one, keys, warmup, measure, () -> Processes.cpuSeconds(List.of(a)));
        Load.Result withTwo = Load.run("http://127.0.0.1:" + two, keys, warmup, measure, () -> Processes.cpuSeconds(List.of(a, b)));
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String report = String.format("through nginx, 8 clients, 100-event batches, %d s each after %d s warm-up:%n"
                        + "  one brain : %,.0f events/s, brain CPU %.2f cores%n  two brains: %,.0f events/s, brain CPU %.2f cores (x%.2f)%n"
                        + "  %d cores, load average %.2f at the end%n", measure.toSeconds(), warmup.toSeconds(),
                withOne.eventsPerSecond(), withOne.brainCores(), withTwo.eventsPerSecond(), withTwo.brainCores(),
                withTwo.eventsPerSecond() / withOne.eventsPerSecond(), Runtime.getRuntime().availableProcessors(), load);
        System.out.print(report);
        return report;
    }

    private static List<String> keys(TestDb db, String prefix, int n) {
        try (Database database = Database.open(db.config(), 2)) {
            database.migrate();
            var out = new ByteArrayOutputStream();
            AdminCli cli = AdminCli.from(database.jdbi(), ScrubberRedactor::new, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
            if (count(db, "select count(*) from customers where id = 'cust_cluster'") == 0) {
                cli.run(new String[] {"admin", "customer", "add", "--id", "cust_cluster", "--name", "Cluster", "--tier", "b"});
            }
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                cli.run(new String[] {"admin", "agent", "add", "--id", prefix + i, "--customer", "cust_cluster"});
                out.reset();
                cli.run(new String[] {"admin", "key", "create", "--agent", prefix + i});
                keys.add(out.toString(StandardCharsets.UTF_8).trim());
            }
            return keys;
        }
    }

    private static long count(TestDb db, String sql) {
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
