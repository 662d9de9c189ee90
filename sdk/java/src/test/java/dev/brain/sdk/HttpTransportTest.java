package dev.brain.sdk;

import com.sun.net.httpserver.HttpServer;
import dev.brain.sdk.internal.TestJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The default transport against a JDK HttpServer standing in for the brain. */
class HttpTransportTest {
    @TempDir
    Path spool;

    private HttpServer server;
    private final List<Map<String, Object>> bodies = new ArrayList<>();
    private final List<String> headers = new ArrayList<>();
    private final AtomicInteger unavailableAnswers = new AtomicInteger();

    @SuppressWarnings("unchecked")
    private Brain start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/events", exchange -> {
            byte[] body;
            try (GZIPInputStream in = new GZIPInputStream(exchange.getRequestBody())) {
                body = in.readAllBytes();
            }
            synchronized (bodies) {
                bodies.add((Map<String, Object>) TestJson.parse(new String(body, StandardCharsets.UTF_8)));
                headers.add(exchange.getRequestMethod() + " " + exchange.getRequestURI()
                        + " auth=" + exchange.getRequestHeaders().getFirst("Authorization")
                        + " type=" + exchange.getRequestHeaders().getFirst("Content-Type")
                        + " encoding=" + exchange.getRequestHeaders().getFirst("Content-Encoding"));
            }
            boolean unavailable = unavailableAnswers.getAndDecrement() > 0;
            byte[] answer = (unavailable ? "{\"error\":\"unavailable\"}" : "{\"accepted\":1,\"duplicates\":0,\"rejected\":[]}")
                    .getBytes(StandardCharsets.UTF_8);
            if (unavailable) {
                exchange.getResponseHeaders().add("Retry-After", "1");
            }
            exchange.sendResponseHeaders(unavailable ? 503 : 202, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        return new Brain.Builder(name -> null).apiKey("brain_secret").endpoint("http://127.0.0.1:" + server.getAddress().getPort() + "/")
                .spoolDir(spool).heartbeatInterval(Duration.ZERO).shutdownHook(false).build();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void posts_a_gzip_json_batch_with_the_bearer_key_to_v1_events() throws IOException {
        try (Brain brain = start()) {
            brain.track("session.start", "sess_1", Map.of("category", "support"));
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        assertEquals(List.of("POST /v1/events auth=Bearer brain_secret type=application/json encoding=gzip"), headers);
        Map<String, Object> body = bodies.get(0);
        assertTrue(((String) body.get("sent_at")).endsWith("Z"));
        assertEquals(1, ((List<?>) body.get("events")).size());
    }

    @Test
    void a_503_with_retry_after_is_retried_after_that_many_seconds() throws IOException {
        unavailableAnswers.set(1);
        try (Brain brain = start()) {
            long start = System.nanoTime();
            brain.track("session.start", "sess_1", Map.of("category", "support"));
            assertTrue(brain.flush(Duration.ofSeconds(30)));
            assertTrue(System.nanoTime() - start >= 1_000_000_000L);
        }
        assertEquals(2, bodies.size());
        assertEquals(bodies.get(0).get("events"), bodies.get(1).get("events"), "the same events, the same ids");
    }

    @Test
    void with_brain_signing_secret_each_request_carries_a_timestamp_and_the_hmac_of_the_bytes_sent() throws Exception {
        List<String[]> seen = new ArrayList<>();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/events", exchange -> {
            byte[] wire = exchange.getRequestBody().readAllBytes();
            String ts = exchange.getRequestHeaders().getFirst("X-Brain-Timestamp");
            synchronized (seen) {
                seen.add(new String[] {ts, exchange.getRequestHeaders().getFirst("X-Brain-Signature"),
                        "sha256=" + dev.brain.sdk.internal.Signature.hmacHex("brainsig_test", ts, wire)});
            }
            byte[] answer = "{\"accepted\":1,\"duplicates\":0,\"rejected\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(202, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        Map<String, String> env = Map.of("BRAIN_API_KEY", "brain_secret", "BRAIN_SIGNING_SECRET", "brainsig_test",
                "BRAIN_ENDPOINT", "http://127.0.0.1:" + server.getAddress().getPort());
        try (Brain brain = new Brain.Builder(env::get).spoolDir(spool).heartbeatInterval(Duration.ZERO).shutdownHook(false).build()) {
            brain.track("session.start", "sess_1", Map.of("category", "support"));
            assertTrue(brain.flush(Duration.ofSeconds(30)));
        }
        assertEquals(1, seen.size());
        long ts = Long.parseLong(seen.get(0)[0]);
        assertTrue(Math.abs(System.currentTimeMillis() / 1000 - ts) < 600, "unix seconds, now");
        assertEquals(seen.get(0)[2], seen.get(0)[1]);
    }
}
