package dev.brain.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.support.TestDb;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** Events folded before the customer rollups existed get them from the migration that adds them; later ones from the job. */
class CustomerRollupsMigrationTest {

    @Test
    void events_already_folded_get_the_per_agent_and_per_model_rollups_and_unfolded_ones_are_left_to_the_job() throws Exception {
        try (TestDb db = TestDb.create()) {
            // The analytics functions (R__) of today name tables later versions add: an old schema is built without them.
            Flyway.configure().dataSource(db.url(), null, null).locations("classpath:db/migrations").target("6")
                    .repeatableSqlMigrationPrefix("not-repeatable-here").load().migrate();
            String ts = Instant.now().minus(Duration.ofHours(1)).toString();
            try (Connection c = db.connect(); var s = c.createStatement()) {
                s.execute("insert into customers (id, name, privacy_tier) values ('cust_old', 'Old', 'b')");
                s.execute("insert into agents (id, customer_id) values ('agent_old', 'cust_old')");
                for (int i = 0; i < 3; i++) {
                    s.execute("insert into events (ts, customer_id, agent_id, event_type, session_id, event_id, payload) values ('" + ts
                            + "', 'cust_old', 'agent_old', 'session.end', 's" + i + "', '" + UUID.randomUUID() + "', "
                            + "'{\"status\":\"success\",\"llm_usage\":{\"model\":\"m\",\"input_tokens\":10,\"cost_cents\":1}}')");
                }
                // The rollup job had folded the first two when the brain was upgraded.
                s.execute("update rollup_state set last_id = (select min(id) + 1 from events) where name = 'events'");
            }
            Flyway.configure().dataSource(db.url(), null, null).locations("classpath:db/migrations").load().migrate();
            assertEquals(List.of("agent_old 2 2", "m 20 2"), rows(db,
                    "select agent_id || ' ' || events || ' ' || success from rollup_agent_daily "
                    + "union all select model || ' ' || input_tokens || ' ' || cost_cents from rollup_model_agent_daily"));
        }
    }

    private static List<String> rows(TestDb db, String sql) throws Exception {
        try (Connection c = db.connect(); var rs = c.createStatement().executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
