package dev.brain.otlp;

import static dev.brain.otlp.Otlp.PROTOBUF;
import static dev.brain.otlp.Otlp.claudeCode;
import static dev.brain.otlp.Otlp.claudeLog;
import static dev.brain.otlp.Otlp.str;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.metrics.Metrics;
import dev.brain.sessions.SessionCloser;
import dev.brain.support.Brain;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Sessions survive a restart in the middle, and two brains closing them close each exactly once. */
class RestartAndTwoInstancesTest {
    private static final int SESSIONS = 40;
    // The scheduled closers wait an hour: the test closes with two closers of its own, racing, when it is ready.
    private static final Map<String, String> LONG_IDLE = Map.of("BRAIN_SESSION_IDLE_S", "3600");

    private static byte[] half(int sequence, String tool) {
        Instant t = Instant.now().minusSeconds(100 - sequence);
        List<LogRecord> records = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            records.add(claudeLog("tool_result", "rs-" + i, sequence, t, str("tool_name", tool), str("success", "true"),
                    str("duration_ms", "5")));
        }
        return Otlp.encode(Otlp.logs(claudeCode(), records), PROTOBUF);
    }

    private static SessionCloser closer(Brain on) {
        return new SessionCloser(on.server.db().jdbi(), Duration.ZERO, new Metrics());
    }

    @Test
    void a_restart_mid_session_and_two_instances_close_every_session_exactly_once() throws Exception {
        // A long idle first: the restart happens while every session is open.
        Brain first = Brain.start(LONG_IDLE);
        String key = first.newAgentKey("cust_restart", "agent_restart", "b");
        assertEquals(200, Otlp.post(first, key, "/v1/logs", PROTOBUF, half(1, "Read"), Map.of()).statusCode());
        first.server.close();

        try (Brain a = Brain.startOn(first.db, LONG_IDLE); Brain b = Brain.startOn(first.db, LONG_IDLE)) {
            assertEquals(200, Otlp.post(a, key, "/v1/logs", PROTOBUF, half(2, "Edit"), Map.of()).statusCode());
            assertEquals(200, Otlp.post(b, key, "/v1/logs", PROTOBUF, half(2, "Edit"), Map.of()).statusCode(), "a retry to the other");
            var closeOnA = CompletableFuture.supplyAsync(() -> closer(a).runOnce().closed());
            var closeOnB = CompletableFuture.supplyAsync(() -> closer(b).runOnce().closed());
            long closed = closeOnA.get() + closeOnB.get() + closer(a).runOnce().closed() + closer(b).runOnce().closed();
            assertEquals(SESSIONS, closed, "each session closed by exactly one of the two");
            assertEquals(0, a.count("select count(*) from sessionizer_sessions where closed_at is null"));
            assertEquals(SESSIONS, a.count("select count(*) from events where event_type = 'session.start'"));
            assertEquals(SESSIONS, a.count("select count(*) from events where event_type = 'session.end'"));
            assertEquals(SESSIONS, a.count("select count(*) from events where event_type = 'session.end'"
                    + " and jsonb_array_length(payload -> 'tool_calls') = 2"), "both halves in one session each");
        } finally {
            first.db.close();
        }
    }
}
