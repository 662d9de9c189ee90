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
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** business.event: validation, the per-day answer (JSON and CSV), and the health reason citing a weekly drop. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BusinessOutcomesTest {
    private Brain brain;
    private String key;
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @BeforeAll
    void send() throws Exception {
        brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", Dialects.TOKEN, "BRAIN_ROLLUP_INTERVAL_S", "3600"));
        key = brain.newAgentKey("cust_biz", "agent_biz", "a");
        List<String> events = new ArrayList<>();
        // 10 tickets resolved 9 days ago (the week before); 3 tickets and a refund this week: a 60% drop.
        for (int i = 0; i < 10; i++) {
            events.add(event(id(), now.minus(9, ChronoUnit.DAYS).plusSeconds(i).toString(), "business.event", null,
                    "{\"name\":\"ticket_resolved\",\"value\":2,\"unit\":\"tickets\"}"));
        }
        for (int i = 0; i < 3; i++) {
            events.add(event(id(), now.minus(1, ChronoUnit.HOURS).plusSeconds(i).toString(), "business.event", "sess_" + i,
                    "{\"name\":\"ticket_resolved\",\"value\":1.25}"));
        }
        events.add(event(id(), now.minus(1, ChronoUnit.HOURS).toString(), "business.event", null, "{\"name\":\"refund_issued\"}"));
        accepted(brain.post(key, batch(events)), events.size());
        Dialects.fold(brain);
    }

    @AfterAll
    void stop() {
        brain.close();
    }

    @Test
    void counts_and_summed_values_per_name_and_day() {
        JsonNode rows = analytics(brain, "outcomes/business", "cust_biz");
        assertEquals(3, rows.size(), rows.toString());
        // Ordered by customer, name, day.
        JsonNode refund = rows.get(0);
        assertEquals("refund_issued", refund.get("name").asText());
        assertEquals(1, refund.get("events").asInt());
        assertEquals(0.0, refund.get("value_sum").asDouble(), "no value: counted, summed as 0");
        JsonNode old = rows.get(1);
        assertEquals("ticket_resolved", old.get("name").asText());
        assertEquals(10, old.get("events").asInt());
        assertEquals(20.0, old.get("value_sum").asDouble());
        JsonNode recent = rows.get(2);
        assertEquals(3, recent.get("events").asInt());
        assertEquals(3.75, recent.get("value_sum").asDouble());
    }

    @Test
    void the_answer_comes_as_csv_too() {
        HttpResponse<String> r = Dialects.get(brain, "/v1/analytics/outcomes/business?customer=cust_biz&format=csv", null);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("customer_id,name,day,events,value_sum"), r.body());
        assertTrue(r.headers().firstValue("Content-Disposition").orElse("").contains("outcomes_business.csv"));
    }

    @Test
    void the_health_reason_cites_a_drop_in_business_outcomes_week_over_week() {
        String reason = analytics(brain, "health", "cust_biz").get(0).get("reason").asText();
        assertTrue(reason.contains("business outcomes −60% week over week"), reason);
    }

    @Test
    void a_business_event_without_a_name_or_with_a_text_value_is_refused_per_index() {
        HttpResponse<String> r = brain.post(key, batch(List.of(
                event("business.event", null, "{\"value\":3}"),
                event("business.event", null, "{\"name\":\"x\",\"value\":\"3\"}"),
                event("business.event", null, "{\"name\":\"x\",\"value\":1e13}"),
                event("business.event", null, "{\"name\":\"ok\"}"))));
        assertEquals(207, r.statusCode(), r.body());
        JsonNode rejected = Brain.json(r).get("rejected");
        assertEquals(3, rejected.size());
        assertEquals("missing_field", rejected.get(0).get("code").asText());
        assertEquals("invalid_field", rejected.get(1).get("code").asText());
        assertEquals("number_out_of_range", rejected.get(2).get("code").asText());
    }
}
