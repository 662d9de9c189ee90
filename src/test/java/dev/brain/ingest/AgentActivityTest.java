package dev.brain.ingest;

import static dev.brain.support.Brain.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Brain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Keeping agents.last_seen_at and version current never turns a stored event into an error. */
class AgentActivityTest {

    @Test
    void a_locked_agents_row_neither_delays_nor_fails_ingest_and_is_updated_once_released() throws Exception {
        // A database read can wait a minute before it fails: only a request that never waits on the row answers in time.
        try (Brain brain = Brain.start(Map.of("BRAIN_DB_SOCKET_TIMEOUT_MS", "60000"))) {
            String key = brain.newAgentKey("cust_lock", "agent_lock", "a");
            assertEquals(202, brain.post(key, Brain.start("warm_up")).statusCode());
            Instant before = Instant.now();
            String id = UUID.randomUUID().toString();
            try (Connection holder = brain.db.connect()) {
                holder.setAutoCommit(false);
                holder.createStatement().executeQuery("select * from agents where id = 'agent_lock' for update").close();

                var request = HttpRequest.newBuilder(URI.create(brain.baseUrl() + "/v1/events"))
                        .timeout(Duration.ofSeconds(15))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(event(id, Instant.now().toString(), "heartbeat", null,
                                "{\"agent_version\":\"2.0.0\",\"pid_uptime_s\":5}")))
                        .build();
                var r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
                assertEquals(202, r.statusCode(), r.body());
                assertEquals(1, brain.count("select count(*) from events where event_id = '" + id + "'"));
                holder.rollback();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!updated(brain, before) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(updated(brain, before), "agents row not updated after the lock was released");
        }
    }

    private static boolean updated(Brain brain, Instant since) {
        return brain.count("select count(*) from agents where id = 'agent_lock' and version = '2.0.0' and last_seen_at >= '"
                + since + "'") == 1;
    }
}
