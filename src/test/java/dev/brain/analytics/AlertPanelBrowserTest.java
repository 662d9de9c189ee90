package dev.brain.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The dashboard's alert panel in headless Chromium: a firing alert on top, its marker on the health row, the Ack button. */
class AlertPanelBrowserTest {

    @Test
    void a_firing_alert_is_on_top_marks_its_customer_and_can_be_acknowledged() throws Exception {
        assumeTrue(Chromium.binary() != null, "chromium is not installed (apt-get install -y chromium; .ci/run does it)");
        try (Brain brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", Traffic.TOKEN, "BRAIN_ROLLUP_INTERVAL_S", "1",
                "BRAIN_ALERT_INTERVAL_S", "1"))) {
            String key = brain.newAgentKey("cust_panel", "agent_panel", "b");
            brain.post(key, Brain.batch(List.of(Brain.event(UUID.randomUUID().toString(), Instant.now().toString(), "heartbeat", null,
                    "{\"agent_version\":\"1\",\"pid_uptime_s\":5,\"dropped_events_since_last\":12}"))));
            Await.until("the alert fired", () -> brain.count("select count(*) from alerts where state = 'firing'") == 1);
            try (var chrome = new Chromium(1440, 1000)) {
                chrome.navigate(brain.baseUrl() + "/dashboard#token=" + Traffic.TOKEN);
                assertTrue(chrome.waitFor("document.body.dataset.ready === 'true'", Duration.ofSeconds(60)), "errors: " + chrome.errors);
                assertTrue(chrome.eval("document.querySelector('#alerts tbody').textContent.includes('agent_panel (cust_panel): 12 events dropped')")
                        .asBoolean(), chrome.eval("document.querySelector('#alerts tbody').textContent").asText());
                assertTrue(chrome.eval("document.querySelector('#alerts-card').compareDocumentPosition(document.querySelector('#health'))"
                        + " & Node.DOCUMENT_POSITION_FOLLOWING").asBoolean(), "the panel comes before the health table");
                assertTrue(chrome.eval("[...document.querySelectorAll('#health tbody tr')].some(tr => tr.classList.contains('alert-info')"
                        + " && tr.firstElementChild.textContent === 'cust_panel')").asBoolean(), "the health row carries the marker");
                chrome.eval("[...document.querySelectorAll('#alerts button')].find(b => b.textContent === 'Ack').click()");
                assertTrue(chrome.waitFor("document.querySelector('#alerts tbody').textContent.includes('acked')", Duration.ofSeconds(60)));
                assertEquals(1, brain.count("select count(*) from alerts where acked_at is not null and acked_by = 'admin'"));
                assertEquals(List.of(), List.copyOf(chrome.errors));
            }
        }
    }
}
