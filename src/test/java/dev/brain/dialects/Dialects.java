package dev.brain.dialects;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.analytics.RollupJob;
import dev.brain.metrics.Metrics;
import dev.brain.sessions.SessionCloser;
import dev.brain.support.Await;
import dev.brain.support.Brain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** What the dialect tests share: the admin token, a fold of our own, analytics reads. */
final class Dialects {
    static final String TOKEN = "dialects-admin-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Dialects() {
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    static void fold(Brain brain) throws Exception {
        // The scheduled fold may hold the lock at this moment: ours runs once it is free.
        Await.until("a fold of our own", () -> new RollupJob(brain.server.db().jdbi()).runOnce().ran());
    }

    /** Closes every open session now (as if idle) and folds: what the scheduled jobs would do in time. */
    static void closeAndFold(Brain brain) throws Exception {
        new SessionCloser(brain.server.db().jdbi(), Duration.ZERO, new Metrics()).runOnce();
        fold(brain);
    }

    /** The sum of a numeric field over an answer's rows. */
    static long sum(JsonNode rows, String field) {
        long n = 0;
        for (JsonNode row : rows) {
            n += row.get(field).asLong();
        }
        return n;
    }

    static JsonNode analytics(Brain brain, String question, String customer) {
        HttpResponse<String> r = get(brain, "/v1/analytics/" + question + "?days=30&customer=" + customer, null);
        assertEquals(200, r.statusCode(), r.body());
        return Brain.json(r).get("rows");
    }

    /** An analytics answer with the customer's and agent's ids masked, to compare two customers' answers. */
    static String answer(Brain brain, String question, String customer) {
        String agent = customer.replace("cust_", "agent_");
        // silent_seconds counts from the moment of reading: two reads a second apart differ by design.
        return analytics(brain, question, customer).toString().replace(customer, "CUSTOMER").replace(agent, "AGENT")
                .replaceAll("\"silent_seconds\":\\d+", "\"silent_seconds\":N");
    }

    static HttpResponse<String> get(Brain brain, String pathAndQuery, String accept) {
        var b = HttpRequest.newBuilder(URI.create(brain.baseUrl() + pathAndQuery)).timeout(Duration.ofSeconds(30)).GET()
                .header("Authorization", "Bearer " + TOKEN);
        if (accept != null) {
            b.header("Accept", accept);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void accepted(HttpResponse<String> r, int n) {
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(n, Brain.json(r).get("accepted").asInt(), r.body());
    }
}
