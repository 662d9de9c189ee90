package dev.brain.db;

import static dev.brain.support.Brain.event;
import static dev.brain.support.Brain.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.support.Brain;
import dev.brain.support.TestDb;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** V22 drops the indexes no query reads and keeps every stored event and every idempotency key. */
class IndexOnlyWhatIsReadMigrationTest {

    @Test
    void events_stored_before_v22_keep_their_rows_and_their_retries_stay_duplicates() throws Exception {
        try (TestDb db = TestDb.create()) {
            // The analytics functions (R__) of today name tables later versions add: an old schema is built without them.
            Flyway.configure().dataSource(db.url(), null, null).locations("classpath:db/migrations").target("6")
                    .repeatableSqlMigrationPrefix("not-repeatable-here").load().migrate();
            String stored = UUID.randomUUID().toString();
            String ts = Instant.now().minus(Duration.ofHours(2)).toString();
            try (Connection c = db.connect(); var s = c.createStatement()) {
                s.execute("insert into customers (id, name, privacy_tier) values ('cust_v22', 'Before', 'b')");
                s.execute("insert into agents (id, customer_id) values ('agent_v22', 'cust_v22')");
                s.execute("insert into event_keys (event_id, agent_id, ts) values ('" + stored + "', 'agent_v22', '" + ts + "')");
                s.execute("insert into events (ts, customer_id, agent_id, event_type, session_id, event_id, payload) values ('"
                        + ts + "', 'cust_v22', 'agent_v22', 'session.start', 's', '" + stored + "', '{\"category\":\"before\"}')");
            }
            try (Brain brain = Brain.startOn(db, Map.of())) {
                List<String> indexes = brain.query("select indexname from pg_indexes where tablename in ('events', 'event_keys') order by 1",
                        rs -> rs.getString(1));
                // V28 and V31 add back two small hash indexes, on session.start and session.end rows only: the sessionizer's
                // "hooks win" and "the sender ended it" look-ups read them.
                assertEquals(List.of("event_keys_pkey", "events_pkey", "events_session_end", "events_session_start", "events_summary_failed",
                                "events_summary_raw"),
                        indexes);
                String key = brain.admin("key", "create", "--agent", "agent_v22").trim();
                var retry = brain.post(key, event(stored, ts, "session.start", "s", "{\"category\":\"retry\"}"));
                assertEquals(1, json(retry).get("duplicates").asInt(), retry.body());
                var replay = brain.post(key, event(stored, Instant.now().toString(), "session.start", "s", "{\"category\":\"replay\"}"));
                assertEquals(1, json(replay).get("duplicates").asInt(), replay.body());
                assertEquals(List.of("before"), brain.query("select payload->>'category' from events where event_id = '" + stored + "'",
                        rs -> rs.getString(1)));
            }
        }
    }
}
