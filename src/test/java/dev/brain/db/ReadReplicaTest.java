package dev.brain.db;

import static dev.brain.support.Brain.batch;
import static dev.brain.support.Brain.json;
import static dev.brain.support.Brain.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.support.Await;
import dev.brain.support.Brain;
import dev.brain.support.CapturedLog;
import dev.brain.support.StreamingReplica;
import dev.brain.support.TestDb;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * BRAIN_READ_DATABASE_URL against a real streaming replica the test starts itself: analytics read the replica,
 * fresh_as_of is what the replica has applied (a paused replica reports an older one), and a stopped replica
 * sends reads to the primary (logged, counted) instead of failing them.
 */
class ReadReplicaTest {
    private static final String TOKEN = "replica-admin-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void analytics_read_the_replica_report_its_lag_and_fall_back_to_the_primary_when_it_is_gone() throws Exception {
        try (StreamingReplica pg = StreamingReplica.start(); CapturedLog log = new CapturedLog()) {
            TestDb db = TestDb.createOn(pg.primaryUrl("postgres"));
            try (Brain brain = Brain.startOn(db, Map.of("BRAIN_ADMIN_TOKEN", TOKEN, "BRAIN_ROLLUP_INTERVAL_S", "1",
                    "BRAIN_READ_DATABASE_URL", pg.replicaUrl(db.name())))) {
                String key = brain.newAgentKey("cust_r", "agent_r", "b");
                send(brain, key, 3);
                Await.until("the replica has the customer and its rollups count the first 3 sessions", () -> {
                    HttpResponse<String> r = get(brain);
                    return r.statusCode() == 200 && sum(json(r)) == 3;
                });

                // A lagging replica: the primary folds newer events, the replica's answer and fresh_as_of stay behind.
                pg.pauseReplay();
                JsonNode before = engagement(brain);
                Instant sent = Instant.now();
                send(brain, key, 2);
                Await.until("the primary folds the 2 new sessions", () -> primaryFreshAsOf(db).isAfter(sent));
                JsonNode lagging = engagement(brain);
                assertEquals(3, sum(lagging), "rows as the replica has them");
                assertEquals(before.get("fresh_as_of").asText(), lagging.get("fresh_as_of").asText(),
                        "fresh_as_of is the replica's, not the primary's");
                assertTrue(Instant.parse(lagging.get("fresh_as_of").asText()).isBefore(sent));
                assertEquals(0, brain.server.metrics().count("brain_read_fallbacks_total"));

                pg.resumeReplay();
                Await.until("the replica catches up", () -> {
                    JsonNode now = engagement(brain);
                    return sum(now) == 5 && Instant.parse(now.get("fresh_as_of").asText()).isAfter(sent);
                });

                // The replica goes away: reads go to the primary, are counted and logged, and still answer.
                pg.stopReplica();
                JsonNode fallback = engagement(brain);
                assertEquals(5, sum(fallback));
                assertTrue(brain.server.metrics().count("brain_read_fallbacks_total") > 0);
                assertTrue(brain.get("/metrics").body().contains("\nbrain_read_replica_up 0"), "gauge shows the fallback");
                assertTrue(log.text().contains("read replica unreachable"), "the fallback is logged");

                pg.startReplica();
                Await.until("reads return to the replica", () -> {
                    engagement(brain);
                    return brain.get("/metrics").body().contains("\nbrain_read_replica_up 1");
                });
            }
        }
    }

    private static void send(Brain brain, String key, int sessions) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            events.add(start("s-" + java.util.UUID.randomUUID()));
        }
        var r = brain.post(key, batch(events));
        assertEquals(202, r.statusCode(), r.body());
    }

    private static JsonNode engagement(Brain brain) throws Exception {
        HttpResponse<String> r = get(brain);
        assertEquals(200, r.statusCode(), r.body());
        return json(r);
    }

    private static HttpResponse<String> get(Brain brain) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(brain.baseUrl() + "/v1/analytics/engagement?days=2&customer=cust_r"))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long sum(JsonNode answer) {
        long n = 0;
        for (JsonNode row : answer.get("rows")) {
            n += row.get("sessions").asLong();
        }
        return n;
    }

    private static Instant primaryFreshAsOf(TestDb db) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url());
             ResultSet rs = c.createStatement().executeQuery("select fresh_as_of from rollup_state where name = 'events'")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }
}
