package dev.brain.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dashboard opened with a customer read token: that customer only, nothing of the others, no console errors. */
class DashboardScopeBrowserTest {

    @Test
    void a_customer_token_sees_only_its_own_customer_on_the_dashboard() throws Exception {
        assumeTrue(Chromium.binary() != null, "chromium is not installed (apt-get install -y chromium; .ci/run does it)");
        try (Brain brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", Traffic.TOKEN, "BRAIN_ROLLUP_INTERVAL_S", "3600"))) {
            Traffic.awayFromMidnight().send(brain);
            Await.until("a fold of our own", () -> new RollupJob(brain.server.db().jdbi()).runOnce().ran());
            String token = brain.admin("token", "create", "--customer", "cust_a", "--label", "a portal").trim();
            try (var chrome = new Chromium(1440, 1000)) {
                chrome.navigate(brain.baseUrl() + "/dashboard#token=" + token);
                assertTrue(chrome.waitFor("document.body.dataset.ready === 'true'", Duration.ofSeconds(60)),
                        "dashboard never finished loading; errors: " + chrome.errors);
                assertEquals("cust_a", chrome.eval("document.body.dataset.scope").asText());
                assertEquals("cust_a", chrome.eval("[...document.querySelectorAll('#health tbody tr td:first-child')].map(td => td.textContent).join(',')").asText());
                String text = chrome.eval("document.body.innerText").asText();
                assertFalse(text.contains("cust_b") || text.contains("cust_c") || text.contains("agent_b1"), text);
                assertTrue(chrome.eval("document.querySelector('#tools tbody').textContent.includes('send_email')").asBoolean());
                assertEquals(List.of(), List.copyOf(chrome.errors));
                chrome.screenshot(Path.of("target", "dashboard-scoped-test.png"));
            }
        }
    }
}
