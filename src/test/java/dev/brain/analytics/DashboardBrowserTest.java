package dev.brain.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dashboard in headless Chromium (`.ci/run` installs Debian's chromium): renders the seeded customers, no console errors. */
class DashboardBrowserTest {
    static final Path SCREENSHOT = Path.of("target", "dashboard-test.png");

    @Test
    void dashboard_shows_the_seeded_customers_riskiest_first_without_console_errors() throws Exception {
        assumeTrue(Chromium.binary() != null, "chromium is not installed (apt-get install -y chromium; .ci/run does it)");
        try (Brain brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", Traffic.TOKEN, "BRAIN_ROLLUP_INTERVAL_S", "1"))) {
            Traffic.awayFromMidnight().send(brain);
            // The scheduled fold may hold the lock at this moment: ours runs once it is free.
            Await.until("a fold of our own", () -> new RollupJob(brain.server.db().jdbi()).runOnce().ran());
            try (var chrome = new Chromium(1440, 1000)) {
                chrome.navigate(brain.baseUrl() + "/dashboard#token=" + Traffic.TOKEN);
                assertTrue(chrome.waitFor("document.body.dataset.ready === 'true'", Duration.ofSeconds(60)),
                        "dashboard never finished loading; errors: " + chrome.errors);
                var firstColumn = chrome.eval("[...document.querySelectorAll('#health tbody tr td:first-child')].map(td => td.textContent).join(',')");
                assertEquals("cust_b,cust_a,cust_c", firstColumn.asText());
                assertEquals(List.of(), List.copyOf(chrome.errors));
                assertTrue(chrome.eval("document.querySelectorAll('canvas').length === 4 && !!Chart.getChart('engagement-chart')").asBoolean());
                assertTrue(chrome.eval("location.hash === ''").asBoolean(), "the token must leave the address bar");
                assertTrue(chrome.eval("document.querySelector('#tools tbody').textContent.includes('send_email')").asBoolean());
                chrome.screenshot(SCREENSHOT);
                assertTrue(Files.size(SCREENSHOT) > 20_000);

                chrome.eval("localStorage.removeItem('brain_admin_token'); location.reload()");
                assertTrue(chrome.waitFor("document.getElementById('login') && document.getElementById('login').open", Duration.ofSeconds(60)),
                        "without a token the page asks for one");
                assertEquals(List.of(), List.copyOf(chrome.errors));
            }
        }
    }

    @Test
    void a_malformed_token_in_the_address_shows_the_login_instead_of_breaking_the_page() throws Exception {
        assumeTrue(Chromium.binary() != null, "chromium is not installed (apt-get install -y chromium; .ci/run does it)");
        try (Brain brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", Traffic.TOKEN))) {
            try (var chrome = new Chromium(1024, 768)) {
                chrome.navigate(brain.baseUrl() + "/dashboard#token=%E0%A4%A");
                assertTrue(chrome.waitFor("document.getElementById('login') && document.getElementById('login').open", Duration.ofSeconds(20)),
                        "a token that is not valid percent-encoding must lead to the login; errors: " + chrome.errors);
                assertTrue(chrome.eval("document.getElementById('login-error').textContent.length > 0").asBoolean(), "the login says why");
                assertTrue(chrome.eval("location.hash === '' && localStorage.getItem('brain_admin_token') === null").asBoolean(),
                        "the unusable token leaves the address bar and is not stored");
                assertEquals(List.of(), List.copyOf(chrome.errors));
            }
        }
    }
}
