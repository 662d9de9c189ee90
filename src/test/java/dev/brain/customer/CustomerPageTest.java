package dev.brain.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.analytics.RollupJob;
import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/** The customer page and usage for billing, with exact answers for the seeded customers of {@link CustomerSeed}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CustomerPageTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private Brain brain;
    private final CustomerSeed seed = new CustomerSeed();

    @BeforeAll
    void seed() throws Exception {
        // Scheduled jobs once at start-up only, and that run closes no month (it may race the seeding): the test folds,
        // snapshots and closes months (close days 0) when it means to.
        brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", CustomerSeed.TOKEN, "BRAIN_ROLLUP_INTERVAL_S", "3600",
                "BRAIN_BILLING_CLOSE_DAYS", "60"));
        seed.send(brain);
        fold();
        var today = CustomerSeed.today();
        for (int d = 3; d >= 1; d--) {
            sql("insert into customer_health_daily values ('cust_a', '" + today.minusDays(d) + "', "
                    + (d == 1 ? 60 : 80) + ", 0, 0, 0, 0, 0, 0, 0, null, null, 'r" + d + "')");
        }
        snapshot();
        brain.admin("customer", "contract", "--id", "cust_a", "--monthly-cents", "10000");
    }

    @AfterAll
    void stop() {
        brain.close();
    }

    private void fold() throws Exception {
        Await.until("a fold of our own", () -> new RollupJob(brain.server.db().jdbi()).runOnce().ran());
    }

    private void snapshot() throws Exception {
        Await.until("a snapshot of our own", () -> new CustomerSnapshots(brain.server.db().jdbi(), 0).runOnce());
    }

    @Test
    @Order(1)
    void health_history_shows_the_daily_snapshot_with_reasons_on_the_days_it_moved() {
        JsonNode page = page("cust_a", 7);
        var today = CustomerSeed.today();
        assertEquals(List.of(
                today.minusDays(3) + " 80 null r3",
                today.minusDays(2) + " 80 0 null",
                today.minusDays(1) + " 60 -20 r1",
                today + " 80 20 1 of 2 agents silent > 24 h"),
                rows(page.at("/sections/health"), "day", "score", "change", "reason"));
        assertEquals("100 50 83", rows(page.at("/sections/health"), "trend_score", "liveness_score", "quality_score").get(3));
        assertEquals(80, page.at("/health_now/score").asInt());
    }

    @Test
    @Order(1)
    void agents_show_version_history_sessions_failure_rate_dropped_events_and_silence() {
        JsonNode page = page("cust_a", 7);
        assertEquals(List.of(
                "agent_a2 null null true 0 0 null 0 0 0",
                "agent_a1 1.1 1.0 false 6 0 0.1667 3 12 0"),
                rows(page.at("/sections/agents"), "agent_id", "version", "previous_version", "silent", "sessions_7d",
                        "sessions_prev_7d", "failure_rate", "errors", "dropped_events", "open_alerts"));
        assertEquals(seed.version11At.toString(), page.at("/sections/agents/1/version_since").asText());
    }

    @Test
    @Order(1)
    void openings_are_categories_most_customers_use_and_this_one_does_not() {
        assertEquals(List.of("1 research 3 4 0.5 0 0 not used"),
                rows(page("cust_a", 7).at("/sections/openings"), "rank", "category", "customers_using", "customers_active",
                        "median_share", "share", "sessions", "opening"));
        assertEquals(List.of("1 email_reply 3 4 0.5 0 0 not used"),
                rows(page("cust_d", 7).at("/sections/openings"), "rank", "category", "customers_using", "customers_active",
                        "median_share", "share", "sessions", "opening"));
        assertEquals(List.of(), rows(page("cust_b", 7).at("/sections/openings"), "category"));
    }

    @Test
    @Order(1)
    void quality_groups_errors_by_stack_hash_with_the_latest_message() {
        JsonNode page = page("cust_a", 7);
        assertEquals(List.of(CustomerSeed.H1 + " timeout 2 second", CustomerSeed.H2 + " io 1 disk"),
                rows(page.at("/sections/errors"), "stack_hash", "kind", "errors", "message"));
        assertEquals(List.of("email_reply 4", "billing 2"), categoryTotals(page.at("/sections/categories")));
    }

    @Test
    @Order(1)
    void cost_to_serve_has_spend_per_session_per_model_cache_savings_and_the_margin_against_the_contract() {
        JsonNode page = page("cust_a", 7);
        assertEquals(List.of(
                "claude-sonnet-4-6 agent 6 66000 600 60000 12 0 16.2",
                "acme-1 unpriced 1 500 50 100 0 1 null"),
                rows(page.at("/sections/models"), "model", "cost_basis", "entries", "input_tokens", "output_tokens",
                        "cache_read_tokens", "cost_cents", "unpriced", "cache_savings_cents"));
        JsonNode cost = page.get("cost");
        assertEquals("12 6 2 agent+unpriced 16.2 [\"acme-1\"]", cost.get("cost_cents") + " " + cost.get("sessions") + " "
                + cost.get("cost_per_session_cents") + " " + cost.get("cost_basis").asText() + " " + cost.get("cache_savings_cents")
                + " " + cost.get("cache_savings_unpriced_models"));
        assertEquals("10000 12 9988 0.0012", rows(cost.get("month"), "monthly_cents", "cost_cents", "margin_cents", "spend_share").get(0));
    }

    @Test
    @Order(1)
    void value_card_is_empty_while_no_ingest_feature_provides_its_tables() {
        assertEquals(0, page("cust_a", 7).at("/sections/value").size());
    }

    @Test
    @Order(1)
    void each_tabular_section_is_also_csv_and_a_bad_request_says_what_is_wrong() {
        HttpResponse<String> csv = get("/v1/analytics/customers/cust_a?days=7&section=errors&format=csv");
        assertEquals(200, csv.statusCode(), csv.body());
        assertTrue(csv.body().startsWith("customer_id,stack_hash,kind,errors,first_seen,last_seen,message\r\ncust_a," + CustomerSeed.H1),
                csv.body());
        assertEquals("invalid_parameter", Brain.json(get("/v1/analytics/customers/cust_a?format=csv")).get("error").asText());
        assertEquals("invalid_parameter", Brain.json(get("/v1/analytics/customers/cust_a?section=nope")).get("error").asText());
        assertEquals(404, get("/v1/analytics/customers/cust_nobody").statusCode());
        assertEquals(400, get("/v1/analytics/customers/bad%20id").statusCode());
        assertEquals(401, httpGet(brain.baseUrl() + "/v1/analytics/customers/cust_a", null).statusCode());
        assertEquals(400, get("/v1/analytics/usage?month=2026-13").statusCode());
    }

    @Test
    @Order(1)
    void usage_of_the_open_month_is_computed_from_the_rollups() {
        JsonNode u = Brain.json(get("/v1/analytics/usage?customer=cust_a"));
        assertTrue(!u.get("frozen").asBoolean());
        assertEquals(List.of("usage cust_a agent_a1 6 1 7 66500 650 60100 0 12 agent+unpriced null"),
                rows(u.get("rows"), "line", "customer_id", "agent_id", "sessions", "active_agents", "tool_calls", "input_tokens",
                        "output_tokens", "cache_read_tokens", "cache_creation_tokens", "cost_cents", "cost_basis", "active_time_s"));
    }

    @Test
    @Order(2)
    void a_closed_month_is_frozen_and_an_event_arriving_later_is_an_adjustment_of_the_month_it_arrived_in() throws Exception {
        String month = seed.lastMonth.toString();
        String[] fields = {"line", "usage_month", "customer_id", "agent_id", "sessions", "tool_calls", "input_tokens", "output_tokens",
            "cost_cents", "cost_basis"};
        List<String> frozen = List.of("usage " + seed.lastMonth.atDay(1) + " cust_b agent_b1 2 2 200 20 1 agent");
        JsonNode before = Brain.json(get("/v1/analytics/usage?month=" + month + "&customer=cust_b"));
        assertTrue(before.get("frozen").asBoolean(), before.toString());
        assertEquals(frozen, rows(before.get("rows"), fields));

        seed.sendLate(brain);
        fold();
        snapshot();
        JsonNode after = Brain.json(get("/v1/analytics/usage?month=" + month + "&customer=cust_b"));
        assertEquals(frozen, rows(after.get("rows"), fields), "a frozen month never changes");
        assertEquals(0, after.get("adjustments").size());
        JsonNode now = Brain.json(get("/v1/analytics/usage?customer=cust_b"));
        assertEquals(List.of("adjustment " + seed.lastMonth.atDay(1) + " cust_b agent_b1 1 3 50 5 0.25 agent"),
                rows(now.get("adjustments"), fields));
        assertEquals(3, brain.count("select sum(sessions) from rollup_agent_daily where agent_id = 'agent_b1' and day < date_trunc('month', now() at time zone 'utc')"),
                "the analytics themselves see the late session");
        String csv = brain.admin("usage", "--month", CustomerSeed.today().toString().substring(0, 7), "--customer", "cust_b", "--format", "csv");
        assertTrue(csv.contains("\r\nadjustment,"), csv);
    }

    @Test
    @Order(3)
    void value_and_alerts_appear_when_their_tables_exist() {
        // The usage-metric (OTLP), business-outcome (granular events) and alerts tables as those features fill them.
        var today = CustomerSeed.today();
        sql("insert into rollup_usage_metric_daily values ('" + today + "', 'cust_a', 'agent_a1', 'claude_code.active_time.total', 90.5),"
                + " ('" + today + "', 'cust_a', 'agent_a1', 'claude_code.commit.count', 3)");
        sql("insert into rollup_business_daily values ('" + today + "', 'cust_a', 'agent_a1', 'invoice_paid', 2, 1250)");
        sql("insert into alerts (rule, subject, customer_id, agent_id, severity, state, message, detail, link, fired_at, last_seen_at,"
                + " resolved_at) values ('agent_silent', 'agent_a1', 'cust_a', 'agent_a1', 'warning', 'firing', 'm', '{}', '/', now(),"
                + " now(), null), ('tool_call_loop', 's1', 'cust_a', 'agent_a1', 'info', 'resolved', 'm', '{}', '/', now(), now(), now())");
        JsonNode page = page("cust_a", 7);
        assertEquals(List.of("usage_metric claude_code.active_time.total null 90.5", "usage_metric claude_code.commit.count null 3",
                "business invoice_paid 2 1250"), rows(page.at("/sections/value"), "source", "name", "events", "value"));
        assertEquals("1", rows(page.at("/sections/agents"), "open_alerts").get(1));
        JsonNode u = Brain.json(get("/v1/analytics/usage?customer=cust_a"));
        assertEquals("90.5", rows(u.get("rows"), "active_time_s").get(0));
    }

    private void sql(String statement) {
        try (var c = brain.db.connect(); var s = c.createStatement()) {
            s.execute(statement);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode page(String customer, int days) {
        HttpResponse<String> r = get("/v1/analytics/customers/" + customer + "?days=" + days);
        assertEquals(200, r.statusCode(), r.body());
        return Brain.json(r);
    }

    private HttpResponse<String> get(String path) {
        return httpGet(brain.baseUrl() + path, CustomerSeed.TOKEN);
    }

    private static HttpResponse<String> httpGet(String url, String token) {
        var b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each row's fields joined by spaces (a single object is one row). */
    private static List<String> rows(JsonNode rows, String... fields) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : rows.isArray() ? rows : List.of(rows)) {
            List<String> cells = new ArrayList<>();
            for (String f : fields) {
                JsonNode v = r.get(f);
                cells.add(v == null || v.isNull() ? "null" : v.isTextual() ? v.asText() : v.toString());
            }
            out.add(String.join(" ", cells));
        }
        return out;
    }

    private static List<String> categoryTotals(JsonNode mix) {
        var sums = new java.util.LinkedHashMap<String, Long>();
        mix.forEach(r -> sums.merge(r.get("category").asText(), r.get("sessions").asLong(), Long::sum));
        return sums.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).map(e -> e.getKey() + " " + e.getValue()).toList();
    }
}
