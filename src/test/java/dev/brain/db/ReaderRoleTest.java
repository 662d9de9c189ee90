package dev.brain.db;

import static dev.brain.support.Brain.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Brain;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** brain_reader (for Metabase) reads the analytics schema and nothing else. */
class ReaderRoleTest {

    @Test
    void reader_reads_analytics_views_but_not_base_tables() throws Exception {
        try (Brain brain = Brain.start(Map.of("BRAIN_READER_PASSWORD", "reader-test-pw"))) {
            String key = brain.newAgentKey("cust_reader", "agent_reader", "b");
            assertEquals(202, brain.post(key, event("session.end", "s", "{\"status\":\"success\",\"summary_raw\":\"RAW-MARKER-7731\"}")).statusCode());
            String url = brain.db.url().replaceAll("user=[^&]*", "user=brain_reader") + "&password=reader-test-pw";
            try (var c = DriverManager.getConnection(url)) {
                var rs = c.createStatement().executeQuery("select count(*), bool_or(payload ? 'summary_raw') from analytics.events");
                rs.next();
                assertEquals(1, rs.getLong(1));
                assertEquals(false, rs.getBoolean(2));
                for (String table : new String[] {"events", "api_keys", "event_keys", "customers", "rejected_events"}) {
                    var e = assertThrows(SQLException.class, () -> c.createStatement().executeQuery("select * from public." + table + " limit 1"));
                    assertEquals("42501", e.getSQLState(), table);
                }
                var write = assertThrows(SQLException.class, () -> c.createStatement().execute("delete from analytics.customers"));
                assertTrue(write.getSQLState().startsWith("42") || write.getSQLState().startsWith("55"), write.getSQLState());
            }
            assertEquals(0, brain.count("select count(*) from events where payload::text like '%RAW-MARKER-7731%'"));
        }
    }
}
