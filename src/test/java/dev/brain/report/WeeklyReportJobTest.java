package dev.brain.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.brain.analytics.RollupJob;
import dev.brain.http.Json;
import dev.brain.schedule.Scheduler;
import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Monday digest: once per week across two brain instances, to a local stand-in for Slack and a directory. */
class WeeklyReportJobTest {
    final List<String> posts = new CopyOnWriteArrayList<>();
    final AtomicInteger failNext = new AtomicInteger();

    HttpServer slack() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 200;
            if (status == 200) {
                posts.add(body);
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
        return server;
    }

    @Test
    void two_instances_post_each_week_once_and_a_failed_delivery_is_retried(@TempDir Path dir) throws Exception {
        HttpServer slack = slack();
        String url = "http://127.0.0.1:" + slack.getAddress().getPort() + "/hook";
        Map<String, String> env = Map.of("BRAIN_REPORT_SLACK_WEBHOOK_URL", url, "BRAIN_REPORT_HOUR_UTC", "0",
                "BRAIN_REPORT_DIR", dir.toString());
        try (Brain a = Brain.start(env); Brain b = Brain.startOn(a.db, env)) {
            String key = a.newAgentKey("cust_loud", "agent_loud", "b");
            assertEquals(202, a.post(key, Brain.batch(List.of(Brain.event("session.start", "s1", "{\"category\":\"<!channel> <https://x|y>\"}"))))
                    .statusCode());
            Await.until("a fold of our own", () -> new RollupJob(a.server.db().jdbi()).runOnce().ran());

            // Hour 0: this week's digest is due as soon as the instances' schedulers first run.
            Await.until("this week's digest recorded", () -> a.count("select count(*) from report_weeks") == 1);
            LocalDate monday = LocalDate.now(ZoneOffset.UTC).with(TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
            assertEquals(1, posts.size(), posts.toString());
            assertEquals("dir,slack", a.query("select sinks from report_weeks", rs -> rs.getString(1)).get(0));
            assertTrue(Files.readString(dir.resolve("weekly-" + monday.minusDays(7) + ".md")).startsWith("# Brain weekly digest: "));
            assertTrue(Files.readString(dir.resolve("weekly-" + monday.minusDays(7) + ".html")).contains("<h2>Health movers</h2>"));
            // Both instances run again: the week is taken.
            runOnce(a.server.db().jdbi(), job(a, url, dir, Clock.systemUTC()));
            runOnce(b.server.db().jdbi(), job(b, url, dir, Clock.systemUTC()));
            assertEquals(1, posts.size());

            // The next Monday at 09:00: eight runs race on two instances, one post.
            Clock nextMonday = Clock.fixed(monday.plusDays(7).atTime(9, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
            race(List.of(a, b, a, b, a, b, a, b), url, dir, nextMonday);
            assertEquals(2, posts.size());
            assertEquals(2, a.count("select count(*) from report_weeks"));

            // The Monday after, 07:59 with hour 8: not yet. A failed post leaves the week open; the next run delivers it.
            Clock early = Clock.fixed(monday.plusDays(14).atTime(7, 59).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
            runOnce(a.server.db().jdbi(), new WeeklyReportJob(new WeeklyDigest(a.server.db().jdbi()), sinks(url, dir), early, 8));
            assertEquals(2, posts.size());
            Clock due = Clock.fixed(monday.plusDays(14).atTime(8, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
            failNext.set(1);
            var job = new WeeklyReportJob(new WeeklyDigest(a.server.db().jdbi()), sinks(url, dir), due, 8);
            assertThrows(IllegalStateException.class, () -> runOnce(a.server.db().jdbi(), job));
            assertEquals(2, a.count("select count(*) from report_weeks"));
            runOnce(b.server.db().jdbi(), job(b, url, dir, due));
            assertEquals(3, posts.size());

            // The race's week holds today's session, whose category tries Slack's mention and link syntax.
            String text = Json.mapper().readTree(posts.get(1)).get("text").asText();
            assertTrue(text.contains("| &lt;!channel&gt;_&lt;https_x|y&gt; | 1 | 0 | +1 | 1 |"), text);
            assertFalse(text.contains("<!channel>") || text.contains("<https://x"), "a client's category can neither ping nor link: " + text);
        } finally {
            slack.stop(0);
        }
    }

    private void race(List<Brain> instances, String url, Path dir, Clock clock) throws Exception {
        var pool = Executors.newFixedThreadPool(instances.size());
        var go = new CountDownLatch(1);
        List<Future<Boolean>> runs = new java.util.ArrayList<>();
        for (Brain brain : instances) {
            var job = job(brain, url, dir, clock);
            runs.add(pool.submit(() -> {
                go.await();
                return runOnce(brain.server.db().jdbi(), job);
            }));
        }
        go.countDown();
        for (var f : runs) {
            f.get();
        }
        pool.shutdown();
    }

    private static WeeklyReportJob job(Brain brain, String url, Path dir, Clock clock) {
        return new WeeklyReportJob(new WeeklyDigest(brain.server.db().jdbi()), sinks(url, dir), clock, 8);
    }

    private static ReportSinks sinks(String url, Path dir) {
        return new ReportSinks(url, dir.toString(), Json.mapper());
    }

    private static boolean runOnce(Jdbi jdbi, WeeklyReportJob job) {
        return Scheduler.locked(jdbi, job.lockKey(), h -> {
            job.run(h);
            return true;
        }).orElse(false);
    }

}
