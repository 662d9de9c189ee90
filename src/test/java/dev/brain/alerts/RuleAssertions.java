package dev.brain.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.support.Await;
import java.util.List;

/** What every rule's test checks: one alert and one notification per channel when it fires, one more when it clears. */
final class RuleAssertions {
    private RuleAssertions() {
    }

    /** Waits until the outbox is empty (delivered or given up), so counts of calls are final. */
    static void settle(AlertHarness h) throws Exception {
        Await.until("the outbox drained", () -> h.brain.count("select count(*) from alert_notifications where state = 'pending'") == 0);
    }

    /** The webhook bodies for rule x subject, in the order they arrived. */
    static List<JsonNode> hooks(AlertHarness h, String rule, String subject) {
        return h.sink.calls().stream().filter(c -> c.path().equals("/hook") && c.status() == 200).map(WebhookSink.Call::json)
                .filter(j -> j.get("rule").asText().equals(rule) && j.get("subject").asText().equals(subject)).toList();
    }

    static long slack(AlertHarness h, String text) {
        return h.sink.calls().stream().filter(c -> c.path().equals("/slack") && c.status() == 200 && c.body().contains(text)).count();
    }

    /** Exactly one open alert and one webhook call (plus one Slack message) for it; returns the webhook's values. */
    static JsonNode firedOnce(AlertHarness h, String rule, String customer, String subject) throws Exception {
        h.evaluate();
        settle(h);
        var open = h.alerts(rule, customer).stream().filter(a -> a.subject().equals(subject)).toList();
        assertEquals(1, open.size(), "alerts for " + subject + ": " + open);
        assertEquals("firing", open.get(0).state());
        List<JsonNode> calls = hooks(h, rule, subject);
        assertEquals(1, calls.size(), "webhook calls for " + subject);
        assertEquals("fired", calls.get(0).get("event").asText());
        assertEquals(open.get(0).message(), calls.get(0).get("message").asText());
        assertEquals(1, slack(h, open.get(0).message().substring(0, Math.min(30, open.get(0).message().length()))));
        return calls.get(0).get("values");
    }

    /** After the condition cleared: resolved, and exactly one more webhook call saying so. */
    static void resolvedOnce(AlertHarness h, String rule, String customer, String subject) throws Exception {
        h.evaluate();
        settle(h);
        var all = h.alerts(rule, customer).stream().filter(a -> a.subject().equals(subject)).toList();
        assertEquals(1, all.size(), "still one alert row for " + subject);
        assertEquals("resolved", all.get(0).state());
        assertTrue(all.get(0).resolvedAt() != null);
        List<JsonNode> calls = hooks(h, rule, subject);
        assertEquals(2, calls.size(), "webhook calls for " + subject);
        assertEquals("resolved", calls.get(1).get("event").asText());
        assertEquals(all.get(0).durationSeconds(h.clock.instant()), calls.get(1).get("duration_s").asLong());
    }

    /** Nothing from `rule` for `customer`. */
    static void quiet(AlertHarness h, String rule, String customer) {
        assertEquals(List.of(), h.alerts(rule, customer), rule + " alerts for the normal customer " + customer);
    }
}
