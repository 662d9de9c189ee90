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

/** Granular calls folded before the customer page counted them are carried over by V30, each call once. */
class GranularCustomerFoldMigrationTest {

    @Test
    void calls_folded_before_v30_are_counted_once_on_the_customer_page_after_it() throws Exception {
        try (TestDb db = TestDb.create()) {
            Flyway.configure().dataSource(db.url(), null, null).locations("classpath:db/migrations").target("29")
                    .repeatableSqlMigrationPrefix("not-repeatable-here").load().migrate();
            String ts = Instant.now().minus(Duration.ofHours(1)).toString();
            try (Connection c = db.connect(); var s = c.createStatement()) {
                s.execute("insert into customers (id, name, privacy_tier) values ('cust_g', 'G', 'b')");
                s.execute("insert into agents (id, customer_id) values ('agent_g', 'cust_g'), ('agent_h', 'cust_g')");
                // a: started by its sender, calls as steps. b: steps, then the sessionizer's end repeating them.
                for (String[] e : List.of(
                        new String[] {"session.start", "a", "{\"category\":\"c\"}"},
                        new String[] {"tool.call", "a", "{\"name\":\"search\",\"ok\":true}"},
                        new String[] {"tool.call", "a", "{\"name\":\"send\",\"status\":\"failure\"}"},
                        new String[] {"llm.call", "a", "{\"model\":\"m\",\"input_tokens\":100,\"cost_cents\":2}"},
                        new String[] {"session.end", "a", "{\"status\":\"success\"}"},
                        new String[] {"tool.call", "b", "{\"name\":\"search\",\"ok\":true}"},
                        new String[] {"llm.call", "b", "{\"model\":\"m\",\"input_tokens\":10,\"cost_cents\":1}"},
                        new String[] {"session.end", "b", "{\"status\":\"success\",\"tool_calls\":[{\"name\":\"search\",\"ok\":true}],"
                                + "\"llm_usage\":[{\"model\":\"m\",\"input_tokens\":10,\"cost_cents\":1}]}"})) {
                    s.execute("insert into events (ts, customer_id, agent_id, event_type, session_id, event_id, payload) values ('" + ts
                            + "', 'cust_g', 'agent_g', '" + e[0] + "', '" + e[1] + "', '" + UUID.randomUUID() + "', '" + e[2] + "')");
                }
                // h: another agent whose day holds only calls without `ok` (a lean pipeline's tool_call): none failed.
                for (int i = 0; i < 2; i++) {
                    s.execute("insert into events (ts, customer_id, agent_id, event_type, session_id, event_id, payload) values ('" + ts
                            + "', 'cust_g', 'agent_h', 'tool.call', 'h', '" + UUID.randomUUID() + "', '{\"name\":\"search\",\"status\":\"success\"}')");
                }
                // The job had folded all of them with the fold of that version.
                s.execute("select brain_fold_customer(0, (select max(id) from events))");
                s.execute("update rollup_state set last_id = (select max(id) from events) where name = 'events'");
            }
            assertEquals(List.of("1 0", "m 1 10 1"), rows(db));
            Flyway.configure().dataSource(db.url(), null, null).locations("classpath:db/migrations").load().migrate();
            assertEquals(List.of("5 1", "m 2 110 3"), rows(db));
        }
    }

    private static List<String> rows(TestDb db) throws Exception {
        try (Connection c = db.connect(); var rs = c.createStatement().executeQuery(
                "select sum(tool_calls) || ' ' || sum(tool_failures) from rollup_agent_daily union all "
                + "select model || ' ' || sum(entries) || ' ' || sum(input_tokens) || ' ' || sum(cost_cents) "
                + "from rollup_model_agent_daily group by model")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
