package dev.brain.dialects;

import static dev.brain.dialects.Dialects.accepted;
import static dev.brain.dialects.Dialects.analytics;
import static dev.brain.dialects.Dialects.id;
import static dev.brain.support.Brain.batch;
import static dev.brain.support.Brain.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.support.Brain;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** LLM usage without cost_cents: priced from the table, or unpriced (null, counted) when the model is unknown; never 0. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnpricedModelsTest {
    private Brain brain;
    private final Instant at = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    @BeforeAll
    void send() throws Exception {
        brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", Dialects.TOKEN, "BRAIN_ROLLUP_INTERVAL_S", "3600",
                "BRAIN_SLO_MODEL_P90_MS", "claude-haiku-4-5=1000,*=60000"));
        String key = brain.newAgentKey("cust_prices", "agent_prices", "a");
        accepted(brain.post(key, batch(List.of(
                // 1M input + 100k output on haiku 4.5 ($1 and $5 per million): 100 + 50 cents, from the table.
                event(id(), at.toString(), "llm.call", "s1", "{\"model\":\"claude-haiku-4-5-20251001\",\"input_tokens\":1000000,"
                        + "\"output_tokens\":100000,\"latency_ms\":1500}"),
                event(id(), at.plusSeconds(1).toString(), "llm.call", "s1", "{\"model\":\"mystery-model-9\",\"input_tokens\":5000,\"latency_ms\":300}"),
                event(id(), at.plusSeconds(2).toString(), "llm.call", "s1", "{\"model\":\"claude-haiku-4-5\",\"input_tokens\":10,\"cost_cents\":7,"
                        + "\"latency_ms\":1500}"),
                event(id(), at.plusSeconds(3).toString(), "session.end", "s2", "{\"status\":\"success\",\"llm_usage\":["
                        + "{\"model\":\"claude-sonnet-4-6\",\"input_tokens\":1000000,\"cache_read_tokens\":1000000},"
                        + "{\"model\":\"mystery-model-9\",\"input_tokens\":1}]}")))), 4);
        Dialects.fold(brain);
    }

    @AfterAll
    void stop() {
        brain.close();
    }

    @Test
    void each_stored_cost_records_its_basis() {
        assertEquals(List.of("table:150", "unpriced:null", "agent:7", "[table:330, unpriced:null]"), brain.query(
                "select case when event_type = 'llm.call' then (payload->>'cost_basis') || ':' || coalesce(payload->>'cost_cents', 'null')"
                        + " else (select array_agg((u->>'cost_basis') || ':' || coalesce(u->>'cost_cents', 'null'))::text"
                        + " from jsonb_array_elements(payload->'llm_usage') u) end from events"
                        // s1 is sent as steps only: the sessionizer's session.start for it carries no cost.
                        + " where event_type <> 'session.start' order by ts",
                rs -> rs.getString(1).replace("{", "[").replace("}", "]").replace(",", ", ").replace(".0", "")));
    }

    @Test
    void the_spend_answer_counts_unpriced_calls_and_never_prices_them_at_zero() {
        JsonNode day = analytics(brain, "spend", "cust_prices").get(0);
        assertEquals("487", day.get("cost_cents").asText(), "150 + 7 + 330; the unknown model adds nothing");
        assertEquals(2, day.get("unpriced_calls").asInt());
        String metrics = brain.get("/metrics").body();
        assertTrue(metrics.contains("\nbrain_llm_unpriced_total 2\n"), metrics.lines().filter(l -> l.contains("unpriced")).toList().toString());
    }

    @Test
    void the_models_answer_flags_unpriced_calls_and_latency_objective_breaches() {
        JsonNode rows = analytics(brain, "models", "cust_prices");
        JsonNode haiku = null;
        JsonNode mystery = null;
        for (JsonNode r : rows) {
            if (r.get("model").asText().startsWith("claude-haiku-4-5-2")) {
                haiku = r;
            } else if (r.get("model").asText().equals("mystery-model-9")) {
                mystery = r;
            }
        }
        assertEquals(2, mystery.get("calls").asInt());
        assertEquals(2, mystery.get("unpriced_calls").asInt());
        assertEquals("0", mystery.get("cost_cents").asText());
        assertEquals(false, mystery.get("slo_breached").asBoolean(), "p90 300 ms against the '*' objective of 60 s");
        assertEquals("150", haiku.get("cost_cents").asText());
        assertEquals("1500", haiku.get("p90_ms").asText());
        assertEquals("60000", haiku.get("slo_p90_ms").asText(), "the dated id is another model for the objective: '*' applies");
        JsonNode exact = null;
        for (JsonNode r : rows) {
            if (r.get("model").asText().equals("claude-haiku-4-5")) {
                exact = r;
            }
        }
        assertEquals("1000", exact.get("slo_p90_ms").asText());
        assertEquals(true, exact.get("slo_breached").asBoolean(), "p90 1500 ms over its 1000 ms objective");
    }
}
