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

/** Keys claimed before idempotency was scoped to the agent get their agent from the events they guard. */
class EventKeysMigrationTest {

    @Test
    void keys_written_under_global_idempotency_are_scoped_to_their_events_agent() throws Exception {
        try (TestDb db = TestDb.create()) {
            // The analytics functions (R__) of today name tables later versions add: an old schema is built without them.
            Flyway.configure().dataSource(db.url(), null, null).locations("classpath:db/migrations").target("4")
                    .repeatableSqlMigrationPrefix("not-repeatable-here").load().migrate();
            String ofA = UUID.randomUUID().toString();
            String ofB = UUID.randomUUID().toString();
            String orphan = UUID.randomUUID().toString();
            String ts = Instant.now().minus(Duration.ofHours(1)).toString();
            try (Connection c = db.connect(); var s = c.createStatement()) {
                s.execute("insert into customers (id, name, privacy_tier) values ('cust_old', 'Old', 'b'), ('cust_other', 'Other', 'b')");
                s.execute("insert into agents (id, customer_id) values ('agent_old_a', 'cust_old'), ('agent_other', 'cust_other')");
                for (String[] row : new String[][] {{ofA, "cust_old", "agent_old_a"}, {ofB, "cust_other", "agent_other"}}) {
                    s.execute("insert into event_keys (event_id, ts) values ('" + row[0] + "', '" + ts + "')");
                    s.execute("insert into events (ts, customer_id, agent_id, event_type, session_id, event_id, payload) values ('"
                            + ts + "', '" + row[1] + "', '" + row[2] + "', 'session.start', 's', '" + row[0] + "', '{\"category\":\"old\"}')");
                }
                // A key whose event is gone guards nothing any agent could retry into.
                s.execute("insert into event_keys (event_id, ts) values ('" + orphan + "', '" + ts + "')");
            }
            try (Brain brain = Brain.startOn(db, Map.of())) {
                assertEquals(List.of(ofA + " agent_old_a", ofB + " agent_other"),
                        brain.query("select event_id || ' ' || agent_id from event_keys order by agent_id", rs -> rs.getString(1)));
                String keyA = brain.admin("key", "create", "--agent", "agent_old_a").trim();
                String keyOther = brain.admin("key", "create", "--agent", "agent_other").trim();
                // The owner's retry is still a duplicate; the other tenant's event with the same id is its own.
                assertEquals(1, json(brain.post(keyA, event(ofA, ts, "session.start", "s", "{\"category\":\"retry\"}"))).get("duplicates").asInt());
                assertEquals(1, json(brain.post(keyOther, event(ofA, ts, "session.start", "s", "{\"category\":\"new\"}"))).get("accepted").asInt());
                assertEquals(1, json(brain.post(keyA, event(orphan, ts, "session.start", "s", "{\"category\":\"new\"}"))).get("accepted").asInt());
                assertEquals(List.of("agent_old_a old", "agent_other new"),
                        brain.query("select agent_id || ' ' || (payload->>'category') from events where event_id = '" + ofA + "' order by 1",
                                rs -> rs.getString(1)));
            }
        }
    }
}
