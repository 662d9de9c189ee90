package dev.brain.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Brain;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GET /v1/alerts (JSON, CSV), one alert, ack, mute, the firing gauge, `brain admin alert list`, errors. */
class AlertRoutesTest {

    @Test
    void alerts_are_listed_acknowledged_muted_and_counted() throws Exception {
        try (var h = new AlertHarness()) {
            String key = h.agent("cust_api", "agent_api");
            h.send(key, List.of(AlertHarness.heartbeat(h.t0.minusSeconds(10), 3)));
            h.evaluate();
            RuleAssertions.settle(h);

            var list = Brain.json(h.get("/v1/alerts?customer=cust_api"));
            assertEquals(1, list.get("alerts").size());
            var alert = list.get("alerts").get(0);
            assertEquals("dropped_events", alert.get("rule").asText());
            assertEquals("info", alert.get("severity").asText());
            assertEquals(3, alert.get("values").get("dropped_events").asInt());
            assertEquals("/dashboard?customer=cust_api", alert.get("link").asText());
            assertEquals("delivered", alert.get("delivery").get("webhook").get("state").asText());
            long id = alert.get("id").asLong();

            var csv = h.get("/v1/alerts?state=all&format=csv").body().split("\r?\n");
            assertTrue(csv[0].startsWith("id,rule,subject,customer_id"), csv[0]);
            assertTrue(csv[1].startsWith(id + ",dropped_events,agent_api,cust_api"), csv[1]);

            var acked = Brain.json(h.request("POST", "/v1/alerts/" + id + "/ack", ""));
            assertEquals("admin", acked.get("acked_by").asText());
            assertEquals(acked.get("acked_at"), Brain.json(h.get("/v1/alerts/" + id)).get("acked_at"));

            var mute = h.request("POST", "/v1/alerts/mute", "{\"rule\":\"dropped_events\",\"minutes\":60}");
            assertEquals(200, mute.statusCode(), mute.body());
            String other = h.agent("cust_api", "agent_muted");
            h.send(other, List.of(AlertHarness.heartbeat(h.t0.minusSeconds(10), 4)));
            h.evaluate();
            RuleAssertions.settle(h);
            assertEquals(2, Brain.json(h.get("/v1/alerts?customer=cust_api")).get("alerts").size());
            assertEquals(0, h.sink.calls().stream().filter(c -> c.body().contains("agent_muted")).count(), "a muted alert sends nothing");

            String metrics = h.brain.get("/metrics").body();
            assertTrue(metrics.contains("brain_alerts_firing{rule=\"dropped_events\",severity=\"info\"} 2"), metrics);
            assertTrue(h.brain.admin("alert", "list", "--customer", "cust_api").contains("agent_muted"));

            assertEquals(404, h.get("/v1/alerts/99999999").statusCode());
            assertEquals("unknown_alert", Brain.json(h.get("/v1/alerts/99999999")).get("error").asText());
            assertEquals(400, h.get("/v1/alerts?state=open").statusCode());
            assertEquals(400, h.request("POST", "/v1/alerts/mute", "{\"rule\":\"nope\"}").statusCode());
            assertEquals(400, h.request("POST", "/v1/alerts/mute", "not json").statusCode());
            assertEquals(401, h.brain.get("/v1/alerts").statusCode());
        }
    }
}
