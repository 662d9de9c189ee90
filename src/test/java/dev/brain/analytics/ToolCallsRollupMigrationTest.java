package dev.brain.analytics;

import static dev.brain.support.Brain.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.support.Await;
import dev.brain.support.Brain;
import dev.brain.support.TestDb;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** V27's rollup_tool_calls_daily: the calls folded before it are carried over, later ones are added by the rollup job. */
class ToolCallsRollupMigrationTest {
    private static final String TOOLS = "select day || ' ' || tool || ' ' || calls || ' ' || failures from rollup_tool_calls_daily order by day, tool";
    private static final String BUCKETS_SUMMED = "select day || ' ' || tool || ' ' || sum(calls) || ' ' || sum(failures)"
            + " from rollup_tool_daily group by day, tool order by day, tool";

    @Test
    void calls_folded_before_v27_are_carried_over_without_buckets_and_the_job_adds_new_ones_to_them() throws Exception {
        try (TestDb db = TestDb.create()) {
            // The analytics functions (R__) of today name tables later versions add: an old schema is built without them.
            Flyway.configure().dataSource(db.url(), null, null).locations("classpath:db/migrations").target("26")
                    .repeatableSqlMigrationPrefix("not-repeatable-here").load().migrate();
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            try (Connection c = db.connect(); var s = c.createStatement()) {
                s.execute("insert into customers (id, name, privacy_tier) values ('cust_v27', 'Before', 'b')");
                s.execute("insert into agents (id, customer_id) values ('agent_v27', 'cust_v27')");
                s.execute("insert into rollup_tool_daily (customer_id, day, tool, bucket_ms, calls, failures) values"
                        + " ('cust_v27', '" + today.minusDays(1) + "', 'search', 100, 7, 1), ('cust_v27', '" + today.minusDays(1) + "', 'search', 1000, 3, 2),"
                        + " ('cust_v27', '" + today + "', 'search', 150, 4, 0), ('cust_v27', '" + today + "', 'fetch', 0, 5, 5)");
            }
            try (Brain brain = Brain.startOn(db, Map.of())) {
                assertEquals(List.of(today.minusDays(1) + " search 10 3", today + " fetch 5 5", today + " search 4 0"), rows(brain, TOOLS));
                String key = brain.admin("key", "create", "--agent", "agent_v27").trim();
                String calls = "{\"status\":\"success\",\"tool_calls\":[{\"name\":\"search\",\"ms\":2000,\"ok\":false},"
                        + "{\"name\":\"search\",\"ms\":120,\"ok\":true},{\"name\":\"lookup\",\"ok\":true}]}";
                assertEquals(202, brain.post(key, event(UUID.randomUUID().toString(), Instant.now().toString(), "session.end", "s1", calls))
                        .statusCode());
                Await.until("a fold of our own", () -> new RollupJob(brain.server.db().jdbi()).runOnce().ran());
                assertEquals(List.of(today.minusDays(1) + " search 10 3", today + " fetch 5 5", today + " lookup 1 0", today + " search 6 1"),
                        rows(brain, TOOLS));
                assertEquals(rows(brain, BUCKETS_SUMMED), rows(brain, TOOLS));
            }
        }
    }

    private static List<String> rows(Brain brain, String sql) {
        return brain.query(sql, rs -> rs.getString(1));
    }
}
