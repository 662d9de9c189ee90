package dev.brain;

import dev.brain.config.Config;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * Starts the brain exactly as `serve` does, with no database, and sends it a few requests, so that
 * `java -XX:ArchiveClassesAtExit=target/brain.jsa -jar target/brain.jar cds-training` records the
 * classes `serve` needs into an AppCDS archive (about 40% faster start-up when used).
 */
final class ClassDataTraining {
    private ClassDataTraining() {
    }

    static int run() {
        Config config = Config.from(Map.of("DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/none?user=none", "BRAIN_PORT", "0",
                "BRAIN_HOST", "127.0.0.1", "BRAIN_DB_ACQUIRE_TIMEOUT_MS", "500", "BRAIN_MIGRATE", "false"));
        try (Server server = Server.start(config)) {
            var http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            for (String path : new String[] {"/healthz", "/metrics", "/readyz"}) {
                http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.discarding());
            }
            http.send(HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                    .header("Authorization", "Bearer brain_training").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            // Training is best effort: whatever loaded is archived.
        }
        return 0;
    }
}
