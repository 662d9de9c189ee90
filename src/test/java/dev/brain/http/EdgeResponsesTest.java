package dev.brain.http;

import static dev.brain.support.Brain.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brain.support.Brain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Audit finding 11 (b, c): every answer, also for paths and requests no route sees, is the JSON error shape and says nosniff. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeResponsesTest {
    Brain brain;

    @BeforeAll
    void up() {
        brain = Brain.start();
    }

    @AfterAll
    void down() {
        brain.close();
    }

    /** Status, lower-cased headers and body of one request written byte for byte, as a hostile client would. */
    record Raw(int status, Map<String, String> headers, String body) {
    }

    private Raw raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", brain.server.port())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            String text = readAll(s.getInputStream());
            int split = text.indexOf("\r\n\r\n");
            assertTrue(split > 0, "no complete response: " + text);
            String[] head = text.substring(0, split).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
            }
            String body = text.substring(split + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = unchunk(body);
            }
            return new Raw(Integer.parseInt(head[0].split(" ")[1]), headers, body);
        }
    }

    private static String readAll(InputStream in) throws IOException {
        var out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String unchunk(String body) {
        var out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, eol).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    private static void assertJsonError(int status, String code, Raw r, String what) throws IOException {
        assertEquals(status, r.status(), what + ": " + r);
        assertTrue(r.headers().getOrDefault("content-type", "").startsWith("application/json"), what + ": " + r);
        assertEquals("nosniff", r.headers().get("x-content-type-options"), what + ": " + r);
        assertTrue(r.headers().containsKey("x-request-id"), what + ": " + r);
        JsonNode body = Brain.JSON.readTree(r.body());
        assertEquals(code, body.get("error").asText(), what + ": " + r);
        assertTrue(body.get("message").asText().length() > 5, what + ": " + r);
    }

    @Test
    void unknown_paths_and_methods_answer_the_json_error_shape() throws IOException {
        for (String path : new String[] {"/nope", "/v1/events/..%2f..%2fetc", "/%2F..%2F", "/v1/analytics/nope"}) {
            assertJsonError(404, "not_found", raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), path);
        }
        Raw delete = raw("DELETE /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertJsonError(delete.status(), delete.status() == 405 ? "method_not_allowed" : "not_found", delete, "DELETE /healthz");
        assertTrue(delete.status() == 404 || delete.status() == 405, delete.toString());
    }

    @Test
    void requests_the_web_server_rejects_before_routing_answer_the_json_error_shape() throws IOException {
        for (String path : new String[] {"/%", "/%zz", "/%2e%2e/etc/passwd", "/a%00b", "/..%2f"}) {
            Raw r = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            if (r.status() == 404) {
                assertJsonError(404, "not_found", r, path); // some of these decode to a harmless unknown path
            } else {
                assertJsonError(400, "bad_request", r, path);
            }
        }
        assertJsonError(400, "bad_request", raw("GET /%%% HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), "/%%%");
        assertJsonError(400, "bad_request", raw("GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\nConnection: close\r\n\r\n"),
                "a header line without a colon");
    }

    @Test
    void every_answer_says_nosniff() {
        String key = brain.newAgentKey("cust_edges", "agent_edges", "b");
        Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
        answers.put("202", brain.post(key, start("s")));
        answers.put("401", brain.post(null, start("s")));
        answers.put("400", brain.post(key, "not json"));
        answers.put("healthz", brain.get("/healthz"));
        answers.put("metrics", brain.get("/metrics"));
        answers.put("openapi", brain.get("/openapi.json"));
        answers.put("dashboard", brain.get("/dashboard"));
        answers.put("404", brain.get("/nope"));
        answers.forEach((what, r) -> assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null),
                what + " " + r.statusCode()));
    }
}
