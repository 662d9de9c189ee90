package dev.brain;

import static dev.brain.support.Brain.start;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownTest {

    @Test
    void shutdown_lets_an_in_flight_request_finish_within_the_grace_period() throws Exception {
        Brain brain = Brain.start(Map.of("BRAIN_SHUTDOWN_GRACE_S", "10"));
        String key = brain.newAgentKey("cust_stop", "agent_stop", "b");
        assertEquals(202, brain.post(key, start("warm")).statusCode());
        try (var blocker = brain.db.connect()) {
            // Hold the idempotency table so the next ingest is in flight when shutdown begins.
            blocker.setAutoCommit(false);
            blocker.createStatement().execute("lock table event_keys in access exclusive mode");
            var inFlight = CompletableFuture.supplyAsync(() -> brain.post(key, start("in-flight")).statusCode());
            // The ingest's insert, not the scheduled maintenance, which also waits on that table.
            Await.until("the ingest waits for the test's lock", () -> brain.count("select count(*) from pg_stat_activity"
                    + " where datname = current_database() and wait_event_type = 'Lock' and query like '%insert into event_keys%'") > 0);
            int port = brain.server.port();
            var closing = CompletableFuture.runAsync(brain.server::close);
            Await.until("shutdown has begun: new connections are refused", () -> refuses(port));
            blocker.rollback();
            assertEquals(202, inFlight.get(60, TimeUnit.SECONDS));
            closing.get(60, TimeUnit.SECONDS);
        }
        try (var c = brain.db.connect(); var rs = c.createStatement().executeQuery("select count(*) from events where session_id = 'in-flight'")) {
            rs.next();
            assertEquals(1, rs.getLong(1));
        }
        brain.db.close();
    }

    private static boolean refuses(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            return false;
        } catch (ConnectException refused) {
            return true;
        }
    }
}
