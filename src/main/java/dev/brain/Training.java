package dev.brain;

import dev.brain.config.Config;
import dev.brain.db.Database;
import dev.brain.http.AdminAuth;
import dev.brain.http.HttpApp;
import dev.brain.privacy.RawSummaries;
import dev.brain.redact.RedactionQueue;
import dev.brain.redact.ScrubberRedactor;
import dev.brain.redact.SummaryStore;
import dev.brain.http.Json;
import dev.brain.http.Metrics;
import dev.brain.http.Readiness;
import dev.brain.ingest.AgentActivity;
import dev.brain.ingest.EventStore;
import dev.brain.ingest.EventValidator;
import dev.brain.ingest.IngestService;
import dev.brain.ingest.RateLimiter;
import dev.brain.auth.AuthFailureLimiter;
import dev.brain.auth.Authenticator;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Exercises start-up and one request with no database, so that
 * `java -XX:ArchiveClassesAtExit=target/brain.jsa -jar target/brain.jar cds-training` records the
 * classes `serve` needs into an AppCDS archive (about 40% faster start-up when used).
 */
final class Training {
    private Training() {
    }

    static int run() {
        Config config = Config.from(Map.of("DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/none?user=none", "BRAIN_PORT", "0",
                "BRAIN_HOST", "127.0.0.1", "BRAIN_DB_ACQUIRE_TIMEOUT_MS", "500"));
        try (Database db = Database.open(config, 1)) {
            var json = Json.mapper();
            var metrics = new Metrics();
            var redaction = new RedactionQueue(new ScrubberRedactor(), new SummaryStore(db.jdbi()), metrics, 1, 1, 1);
            var ingest = new IngestService(json, new EventValidator(json, Clock.systemUTC(), Duration.ofDays(400)),
                    new EventStore(db.jdbi(), db.dataSource()), new AgentActivity(db.jdbi()), redaction, metrics);
            Javalin app = HttpApp.create(new HttpApp.Deps(json, new Authenticator(db.jdbi(), Duration.ZERO, new AuthFailureLimiter(0, 1), metrics),
                    new RateLimiter(1, 1), ingest, metrics, new Readiness(db.dataSource(), () -> true),
                    new AdminAuth(Map.of()), new RawSummaries(db.jdbi()), 0));
            app.start(config.host(), config.port());
            try {
                var http = HttpClient.newHttpClient();
                for (String path : new String[] {"/healthz", "/metrics", "/readyz"}) {
                    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                            HttpResponse.BodyHandlers.discarding());
                }
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/events"))
                        .header("Authorization", "Bearer brain_training").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (Exception e) {
                // Training is best effort: whatever loaded is archived.
            } finally {
                app.stop();
            }
        }
        return 0;
    }
}
