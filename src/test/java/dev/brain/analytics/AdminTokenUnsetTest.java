package dev.brain.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Brain;
import org.junit.jupiter.api.Test;

/** Without BRAIN_ADMIN_TOKEN the analytics endpoints are off and say so; the dashboard page itself holds no data. */
class AdminTokenUnsetTest {

    @Test
    void analytics_answer_403_with_a_clear_message_when_no_admin_token_is_configured() {
        try (Brain brain = Brain.start()) {
            for (String q : new String[] {"engagement", "last-seen", "tools", "spend", "categories", "outcomes", "health"}) {
                var r = Traffic.get(brain, "/v1/analytics/" + q, "anything", null);
                assertEquals(403, r.statusCode(), q);
                var body = Brain.json(r);
                assertEquals("admin_disabled", body.get("error").asText());
                assertTrue(body.get("message").asText().contains("BRAIN_ADMIN_TOKEN"));
            }
            var page = Traffic.get(brain, "/dashboard", null, null);
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertEquals(200, Traffic.get(brain, "/dashboard/chart.umd.min.js", null, null).statusCode());
        }
    }
}
