package dev.brain.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.analytics.RollupJob;
import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A customer read token against EVERY route the brain describes in /openapi.json: each route must be classified
 * below, so a route added later fails this test until someone decides what a customer token may do with it.
 * Seed: cust_own and five others; "shared" is used by all six, "rare" by cust_own and cust_o1, "secret_o2" by cust_o2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScopedTokenTest {
    static final String ADMIN = "scoped-test-admin-token-0123456789";
    static final String OWN = "cust_own";
    static final List<String> OTHERS = List.of("cust_o1", "cust_o2", "cust_o3", "cust_o4", "cust_o5");
    static final HttpClient HTTP = HttpClient.newHttpClient();
    Brain brain;
    String token;

    enum Kind { PUBLIC, AGENT_KEY, ADMIN_ONLY, CUSTOMER }

    /** What a customer token may do on a route; null = nobody decided yet, which fails the test. */
    static Kind classify(String method, String path) {
        if (method.equals("get") && (List.of("/healthz", "/readyz", "/metrics", "/openapi.json", "/api/v1/health").contains(path)
                || path.equals("/dashboard") || path.startsWith("/dashboard/"))) {
            return Kind.PUBLIC; // no data: the dashboard pages read the analytics routes with the token
        }
        if (method.equals("post") && List.of("/v1/events", "/v1/logs", "/v1/metrics", "/v1/traces", "/api/v1/telemetry/batch",
                "/api/v1/transcript").contains(path)) {
            return Kind.AGENT_KEY;
        }
        if (path.startsWith("/v1/admin/") || path.startsWith("/v1/alerts")) {
            return Kind.ADMIN_ONLY; // alerts name every customer they concern: the team's, not a customer's
        }
        if (method.equals("get") && (path.startsWith("/v1/analytics/") || path.startsWith("/v1/reports/"))) {
            return Kind.CUSTOMER;
        }
        return null;
    }

    @BeforeAll
    void seed() throws Exception {
        brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", ADMIN, "BRAIN_KEY_CACHE_SECONDS", "1", "BRAIN_ROLLUP_INTERVAL_S", "3600"));
        session(brain.newAgentKey(OWN, "agent_own", "b"), "shared", "rare");
        for (String c : OTHERS) {
            String key = brain.newAgentKey(c, "agent_" + c, "b");
            session(key, c.equals("cust_o1") ? new String[] {"shared", "rare"}
                    : c.equals("cust_o2") ? new String[] {"shared", "secret_o2"} : new String[] {"shared"});
        }
        Await.until("a fold of our own", () -> new RollupJob(brain.server.db().jdbi()).runOnce().ran());
        token = brain.admin("token", "create", "--customer", OWN, "--label", "own portal").trim();
    }

    @AfterAll
    void stop() {
        brain.close();
    }

    private void session(String key, String... categories) {
        List<String> events = new ArrayList<>();
        for (String category : categories) {
            String s = UUID.randomUUID().toString();
            Instant at = Instant.now().minus(Duration.ofHours(1));
            events.add(Brain.event(UUID.randomUUID().toString(), at.toString(), "session.start", s, "{\"category\":\"" + category + "\"}"));
            events.add(Brain.event(UUID.randomUUID().toString(), at.plusSeconds(5).toString(), "session.end", s,
                    "{\"status\":\"success\",\"llm_usage\":{\"model\":\"m\",\"input_tokens\":10,\"cost_cents\":1}}"));
        }
        assertEquals(202, brain.post(key, Brain.batch(events)).statusCode());
    }

    @Test
    void a_customer_token_is_printed_once_with_the_read_prefix_and_listed_with_its_last_use() throws Exception {
        assertTrue(token.startsWith(CustomerTokens.PREFIX) && token.length() > 40, token);
        assertEquals(200, get("/v1/analytics/health", token, null).statusCode());
        String list = brain.admin("token", "list", "--customer", OWN);
        assertTrue(list.contains("own portal"), list);
        assertFalse(list.contains(token), "the secret is never shown again");
        String row = list.lines().filter(l -> l.contains("own portal")).findFirst().orElseThrow();
        assertFalse(row.split("\t", -1)[4].isEmpty(), "last use is recorded: " + row);
        assertEquals(1, brain.count("select count(*) from customer_tokens where token_hash = sha256('" + token + "'::bytea)"));
    }

    @Test
    void every_described_route_is_classified_and_behaves_as_classified_for_a_customer_token() throws Exception {
        JsonNode paths = Brain.json(get("/openapi.json", null, null)).get("paths");
        List<String> unclassified = new ArrayList<>();
        int checked = 0;
        for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
            String path = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = paths.get(path).fields(); ops.hasNext(); ) {
                var op = ops.next();
                Kind kind = classify(op.getKey(), path);
                if (kind == null) {
                    unclassified.add(op.getKey().toUpperCase() + " " + path);
                    continue;
                }
                check(kind, op.getKey(), path, required(op.getValue()));
                checked++;
            }
        }
        assertEquals(List.of(), unclassified, "routes no one decided a customer token's access to: add them to classify()");
        assertTrue(checked >= 14, "only " + checked + " routes checked");
    }

    private void check(Kind kind, String method, String path, String query) throws Exception {
        String own = path.replaceAll("\\{[^}]+}", OWN) + query;
        String what = method.toUpperCase() + " " + path;
        switch (kind) {
            case PUBLIC -> {
                var r = get(own, token, null);
                assertEquals(200, r.statusCode(), what);
                assertNoOtherCustomer(what, r.body());
            }
            case AGENT_KEY -> {
                var r = send("post", own, token, "{}");
                assertEquals(401, r.statusCode(), what + " must not take a read token: " + r.body());
            }
            case ADMIN_ONLY -> {
                var r = send(method, own, token, "{}");
                assertEquals(403, r.statusCode(), what + ": " + r.body());
                assertEquals("out_of_scope", Brain.json(r).get("error").asText(), what);
                assertNotRefused(what + " with the admin token", send(method, own, ADMIN, "{}"));
            }
            case CUSTOMER -> {
                assertEquals(200, get(own, token, null).statusCode(), what);
                for (String accept : new String[] {null, "text/csv"}) {
                    var r = get(own, token, accept);
                    // A route may want more parameters for CSV (400 invalid_parameter); it never refuses the token.
                    boolean csvNeedsMore = accept != null && r.statusCode() == 400;
                    assertTrue(r.statusCode() == 200 || csvNeedsMore, what + " (" + accept + "): " + r.body());
                    assertNoOtherCustomer(what, r.body());
                }
                String withOwn = own + (own.contains("?") ? "&" : "?") + "customer=" + OWN;
                assertEquals(200, get(withOwn, token, null).statusCode(), what + " naming its own customer");
                for (String other : List.of("cust_o1", "cust_nobody")) {
                    String otherPath = path.contains("{") ? path.replaceAll("\\{[^}]+}", other) + query
                            : own + (own.contains("?") ? "&" : "?") + "customer=" + other;
                    var r = get(otherPath, token, null);
                    assertEquals(403, r.statusCode(), what + " for " + other + ": " + r.body());
                    assertEquals("out_of_scope", Brain.json(r).get("error").asText());
                }
                assertNotRefused(what + " with the admin token", get(own, ADMIN, null));
            }
        }
    }

    @Test
    void cross_customer_categories_show_only_those_k_customers_share_and_no_names() throws Exception {
        JsonNode body = Brain.json(get("/v1/analytics/categories", token, null));
        assertEquals(OWN, body.get("scoped_to").asText());
        assertEquals("[{\"category\":\"shared\",\"customers\":6,\"sessions\":6}]", body.get("across_customers").toString());
        assertEquals(List.of("cust_own rare 1", "cust_own shared 1"), rows(body.get("rows"), "customer_id", "category", "sessions"));
        var csv = get("/v1/analytics/categories?format=csv&scope=across", token, null);
        assertEquals("category,customers,sessions\r\nshared,6,6\r\n", csv.body());
        JsonNode admin = Brain.json(get("/v1/analytics/categories", ADMIN, null));
        assertTrue(admin.get("across_customers").toString().contains("secret_o2"), "the admin still sees every category");
    }

    @Test
    void admin_routes_raw_summaries_and_ingest_refuse_it_and_no_token_is_still_401() throws Exception {
        var raw = get("/v1/admin/customers/" + OWN + "/raw-summaries", token, null);
        assertEquals(403, raw.statusCode(), raw.body());
        assertEquals(401, get("/v1/analytics/health", null, null).statusCode());
        assertEquals(401, get("/v1/analytics/health", CustomerTokens.PREFIX + "not-a-real-token-at-all-000000000", null).statusCode());
    }

    @Test
    void a_revoked_token_stops_working_within_the_key_cache_period() throws Exception {
        String other = brain.admin("token", "create", "--customer", OWN, "--label", "to revoke").trim();
        assertEquals(200, get("/v1/analytics/health", other, null).statusCode());
        String id = brain.admin("token", "list", "--customer", OWN).lines().filter(l -> l.contains("to revoke")).findFirst()
                .orElseThrow().split("\t")[0];
        brain.admin("token", "revoke", "--id", id);
        Await.until("the revoked token is refused", () -> get("/v1/analytics/health", other, null).statusCode() == 401);
        assertEquals(200, get("/v1/analytics/health", token, null).statusCode(), "other tokens keep working");
    }

    /** The admin token passes the scope check (a route may still say no for its own reasons, e.g. tier_c_off). */
    private static void assertNotRefused(String what, HttpResponse<String> r) {
        boolean scopeRefusal = r.statusCode() == 401 || r.statusCode() == 403
                && List.of("out_of_scope", "admin_disabled").contains(Brain.json(r).path("error").asText());
        assertFalse(scopeRefusal, what + ": " + r.statusCode() + " " + r.body());
    }

    private static void assertNoOtherCustomer(String what, String body) {
        for (String other : OTHERS) {
            assertFalse(body.contains(other), what + " reveals " + other + ": " + body);
        }
        assertFalse(body.contains("secret_o2"), what + " reveals a category fewer than k customers use: " + body);
    }

    /** Query parameters a route requires, from their example or default in the description. */
    private static String required(JsonNode op) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : op.path("parameters")) {
            if (p.path("in").asText().equals("query") && p.path("required").asBoolean()) {
                JsonNode v = p.has("example") ? p.get("example") : p.path("schema").has("example") ? p.path("schema").get("example")
                        : p.path("schema").path("default");
                out.add(p.get("name").asText() + "=" + URLEncoder.encode(v.asText(), StandardCharsets.UTF_8));
            }
        }
        return out.isEmpty() ? "" : "?" + String.join("&", out);
    }

    private static List<String> rows(JsonNode rows, String... fields) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> {
            List<String> v = new ArrayList<>();
            for (String f : fields) {
                v.add(r.get(f).asText());
            }
            out.add(String.join(" ", v));
        });
        out.sort(null);
        return out;
    }

    private HttpResponse<String> send(String method, String path, String bearer, String json) throws Exception {
        if (method.equals("get")) {
            return get(path, bearer, null);
        }
        var b = HttpRequest.newBuilder(URI.create(brain.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").method(method.toUpperCase(), HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String bearer, String accept) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(brain.baseUrl() + path)).timeout(Duration.ofSeconds(30)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
