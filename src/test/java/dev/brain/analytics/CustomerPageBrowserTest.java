package dev.brain.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.brain.customer.CustomerSeed;
import dev.brain.customer.CustomerSnapshots;
import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The customer page in headless Chromium, reached by a click from the dashboard: every card rendered, no console errors. */
class CustomerPageBrowserTest {
    static final Path SCREENSHOT = Path.of("target", "customer-page-test.png");
    private static final String CARDS = "health,cost,agents,engagement,usage,openings,quality,errors,value";

    @Test
    void a_customer_name_on_the_dashboard_opens_its_page_with_every_card_rendered() throws Exception {
        assumeTrue(Chromium.binary() != null, "chromium is not installed (apt-get install -y chromium; .ci/run does it)");
        try (Brain brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", CustomerSeed.TOKEN, "BRAIN_ROLLUP_INTERVAL_S", "3600"))) {
            new CustomerSeed().send(brain);
            Await.until("a fold of our own", () -> new RollupJob(brain.server.db().jdbi()).runOnce().ran());
            Await.until("a snapshot of our own", () -> new CustomerSnapshots(brain.server.db().jdbi(), 3).runOnce());
            brain.admin("customer", "contract", "--id", "cust_a", "--monthly-cents", "10000");
            // A business outcome in its rollup: the value card shows once such data exists.
            sql(brain, "insert into rollup_business_daily values ((now() at time zone 'utc')::date, 'cust_a', 'agent_a1', 'invoice_paid', 2, 1250)");
            try (var chrome = new Chromium(1440, 1000)) {
                chrome.navigate(brain.baseUrl() + "/dashboard#token=" + CustomerSeed.TOKEN);
                assertTrue(chrome.waitFor("document.body.dataset.ready === 'true'", Duration.ofSeconds(60)), "dashboard: " + chrome.errors);
                assertTrue(chrome.eval("[...document.querySelectorAll('#health tbody a.customer')].length === 4").asBoolean(),
                        "every customer name in the health table is a link");
                chrome.eval("document.querySelector('#health a.customer[href=\"/dashboard/customers/cust_a\"]').click()");
                assertTrue(chrome.waitFor("location.pathname === '/dashboard/customers/cust_a' && document.body.dataset.ready === 'true'",
                        Duration.ofSeconds(60)), "the customer page never finished loading; errors: " + chrome.errors);
                assertEquals(List.of(), List.copyOf(chrome.errors));
                for (String card : CARDS.split(",")) {
                    assertTrue(chrome.eval("(() => { const c = document.getElementById('card-" + card + "');"
                            + " return !c.hidden && c.offsetHeight > 60 && !c.textContent.includes('nothing in this window')"
                            + " || ['openings'].includes('" + card + "') })()").asBoolean(), "card " + card + " is rendered");
                }
                assertTrue(chrome.eval("['health-chart','spend-chart','engagement-chart','categories-chart','outcomes-chart']"
                        + ".every((id) => !!Chart.getChart(id))").asBoolean(), "every chart drawn");
                assertTrue(chrome.eval("document.querySelector('#openings tbody').textContent.includes('research')").asBoolean());
                assertTrue(chrome.eval("document.getElementById('cost-facts').textContent.includes('margin this month')").asBoolean());
                assertTrue(chrome.eval("document.querySelector('#agents tbody').textContent.includes('1.1 (was 1.0)')").asBoolean());
                chrome.screenshot(SCREENSHOT);
                assertTrue(Files.size(SCREENSHOT) > 20_000);
            }
        }
    }

    private static void sql(Brain brain, String statement) throws SQLException {
        try (var c = brain.db.connect(); var s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
