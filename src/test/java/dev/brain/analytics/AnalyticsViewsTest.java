package dev.brain.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The analytics views and the sql/metabase questions, read as brain_reader, give the same exact answers as the endpoints. */
class AnalyticsViewsTest {
    static Connection reader;

    @BeforeAll
    static void seed() throws Exception {
        AnalyticsEndpointsTest.seed();
        String url = AnalyticsEndpointsTest.brain.db.url().replaceAll("user=[^&]*", "user=brain_reader")
                + "&password=" + AnalyticsEndpointsTest.READER_PASSWORD;
        reader = DriverManager.getConnection(url);
    }

    @AfterAll
    static void stop() throws Exception {
        reader.close();
        AnalyticsEndpointsTest.stop();
    }

    static List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = reader.createStatement().executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    values.add(v instanceof java.math.BigDecimal d ? d.stripTrailingZeros().toPlainString() : String.valueOf(v));
                }
                out.add(String.join(" ", values));
            }
        }
        return out;
    }

    /** A Metabase question with its variables filled in as Metabase would. */
    static String question(String file, String days, String customer) throws Exception {
        String sql = Files.readString(Path.of("sql/metabase", file));
        sql = sql.replace("{{days}}", days);
        sql = customer == null ? sql.replaceAll("\\[\\[[^\\]]*\\{\\{customer}}[^\\]]*]]", "")
                : sql.replace("[[", "").replace("]]", "").replace("{{customer}}", "'" + customer + "'");
        return sql.replaceAll("\\[\\[and \\{\\{day}}]]", "");
    }

    @Test
    void daily_views_hold_exact_counts() throws Exception {
        assertEquals(List.of("cust_a 9", "cust_b 4", "cust_c 1"),
                rows("select customer_id, sum(sessions) from analytics.engagement_daily group by 1 order by 1"));
        assertEquals(List.of("cust_a 15 12000 1200"),
                rows("select customer_id, sum(cost_cents), sum(input_tokens), sum(output_tokens) from analytics.spend_daily "
                        + "where cost_cents > 0 group by 1 order by 1"));
        assertEquals(List.of("cust_a 6 3 0 0", "cust_b 0 0 4 0", "cust_c 1 0 0 0"),
                rows("select customer_id, sum(success), sum(failed), sum(escalated), sum(errors) from analytics.outcomes_daily group by 1 order by 1"));
        assertEquals(List.of("cust_a search 9 0", "cust_a send_email 9 3"),
                rows("select customer_id, tool, sum(calls), sum(failures) from analytics.tool_calls_daily group by 1, 2 order by 1, 2"));
        assertEquals(List.of("cust_a email_reply 6", "cust_a invoicing 3", "cust_b research 4", "cust_c email_reply 1"),
                rows("select customer_id, category, sum(sessions) from analytics.category_daily group by 1, 2 order by 1, 2"));
        assertEquals(List.of("billing invoicing"), rows("select alias, canonical from analytics.category_aliases"));
        assertEquals(List.of("1"), rows("select count(*) from analytics.freshness where fresh_as_of <= now()"));
    }

    @Test
    void windowed_views_match_the_endpoints() throws Exception {
        assertEquals(List.of("cust_a 9", "cust_b 4", "cust_c 1"),
                rows("select customer_id, sum(sessions) from analytics.engagement_30d group by 1 order by 1"));
        assertEquals(List.of("90"), rows("select count(*) from analytics.engagement_30d"));
        assertEquals(List.of("agent_b1 true", "agent_a1 true", "agent_c1 false", "agent_a2 false"),
                rows("select agent_id, silent from analytics.last_seen"));
        assertEquals(List.of("cust_a search 9 0 0 100 100", "cust_a send_email 9 3 0.3333 200 2000"),
                rows("select * from analytics.tool_leaderboard_30d"));
        assertEquals(List.of("3 15 12000 1200"),
                rows("select count(*), sum(cost_cents), sum(input_tokens), sum(output_tokens) from analytics.spend_30d"));
        assertEquals(List.of("cust_a email_reply 6", "cust_a invoicing 3", "cust_b research 4", "cust_c email_reply 1"),
                rows("select * from analytics.category_mix_30d"));
        assertEquals(List.of("email_reply 2 7", "research 1 4", "invoicing 1 3"), rows("select * from analytics.category_mix_across_30d"));
        assertEquals(List.of("cust_a 9 6 3 0 0.3333 0", "cust_b 4 0 0 4 0 1", "cust_c 1 1 0 0 0 0"),
                rows("select * from analytics.outcomes_30d"));
        assertEquals(List.of("cust_b 0", "cust_a 90", "cust_c 100"), rows("select customer_id, score from analytics.customer_health"));
    }

    @Test
    void metabase_questions_run_as_the_reader_with_and_without_a_customer() throws Exception {
        assertEquals(90, rows(question("01_engagement.sql", "30", null)).size());
        assertEquals(List.of("cust_b", "cust_b", "cust_b", "cust_b", "cust_b", "cust_b", "cust_b", "cust_b", "cust_b", "cust_b", "cust_b", "cust_b"),
                rows(question("01_engagement.sql", "12", "cust_b")).stream().map(r -> r.split(" ")[0]).toList());
        assertEquals(4, rows(question("02_last_seen.sql", "30", null)).size());
        assertEquals(List.of("cust_a search 9 0 0 100 100", "cust_a send_email 9 3 0.3333 200 2000"),
                rows(question("03_tool_leaderboard.sql", "30", "cust_a")));
        assertEquals(3, rows(question("04_token_spend.sql", "30", null)).size());
        assertEquals(List.of("cust_c email_reply 1"), rows(question("05_category_mix.sql", "30", "cust_c")));
        assertEquals(List.of("cust_b 4 0 0 4 0 1"), rows(question("06_outcomes.sql", "30", "cust_b")));
        assertEquals(List.of("email_reply 2 7", "research 1 4", "invoicing 1 3"), rows(question("07_category_mix_across_customers.sql", "30", null)));
        assertEquals("cust_b 0", String.join(" ", rows(question("08_customer_health.sql", "30", null)).get(0).split(" ", 3)).substring(0, 8));
    }

    @Test
    void reader_cannot_read_rollup_tables_directly_or_change_aliases() {
        for (String table : new String[] {"rollup_customer_daily", "rollup_tool_daily", "category_aliases", "rollup_state"}) {
            var e = assertThrows(SQLException.class, () -> reader.createStatement().executeQuery("select * from public." + table));
            assertEquals("42501", e.getSQLState(), table);
        }
        var e = assertThrows(SQLException.class, () -> reader.createStatement().execute("delete from analytics.category_aliases"));
        assertEquals("42501", e.getSQLState());
    }
}
