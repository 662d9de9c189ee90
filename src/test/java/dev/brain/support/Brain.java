package dev.brain.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.Server;
import dev.brain.admin.AdminCli;
import dev.brain.config.Config;
import dev.brain.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A real brain on a real database, plus the client side of the wire contract, for tests. */
public final class Brain implements AutoCloseable {
    public static final ObjectMapper JSON = Json.mapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public final TestDb db;
    public final Server server;
    private final boolean ownsDb;

    private Brain(TestDb db, Server server, boolean ownsDb) {
        this.db = db;
        this.server = server;
        this.ownsDb = ownsDb;
    }

    public static Brain start() {
        return start(Map.of());
    }

    public static Brain start(Map<String, String> env) {
        TestDb db = TestDb.create();
        return new Brain(db, Server.start(db.config(env)), true);
    }

    /** A second instance on the same database. */
    public static Brain startOn(TestDb db, Map<String, String> env) {
        return new Brain(db, Server.start(db.config(env)), false);
    }

    public Config config() {
        return db.config();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Runs `admin ...` against this brain's database; returns stdout. Fails the test on a non-zero exit. */
    public String admin(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        String[] full = new String[args.length + 1];
        full[0] = "admin";
        System.arraycopy(args, 0, full, 1, args.length);
        int code = AdminCli.from(server.db().jdbi(), dev.brain.redact.ScrubberRedactor::new, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(full);
        if (code != 0) {
            throw new AssertionError("admin " + String.join(" ", args) + " exited " + code + ": " + err.toString(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A customer with one agent and one key; returns the key. */
    public String newAgentKey(String customer, String agent, String tier) {
        admin("customer", "add", "--id", customer, "--name", customer, "--tier", tier);
        admin("agent", "add", "--id", agent, "--customer", customer);
        return admin("key", "create", "--agent", agent).trim();
    }

    public HttpResponse<String> post(String key, String body) {
        return post(key, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public HttpResponse<String> post(String key, byte[] body, Map<String, String> headers) {
        var b = HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/events"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        headers.forEach(b::header);
        return send(b.build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private static HttpResponse<String> send(HttpRequest r) {
        try {
            return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    public static String event(String type, String sessionId, String payloadJson) {
        return event(UUID.randomUUID().toString(), Instant.now().toString(), type, sessionId, payloadJson);
    }

    public static String event(String eventId, String ts, String type, String sessionId, String payloadJson) {
        return "{\"event_id\":\"" + eventId + "\",\"ts\":\"" + ts + "\",\"event_type\":\"" + type + "\","
                + (sessionId == null ? "" : "\"session_id\":\"" + sessionId + "\",") + "\"payload\":" + payloadJson + "}";
    }

    public static String start(String sessionId) {
        return event("session.start", sessionId, "{\"category\":\"email_reply\"}");
    }

    public static String batch(List<String> events) {
        return "{\"events\":[" + String.join(",", events) + "],\"sent_at\":\"" + Instant.now() + "\"}";
    }

    public long count(String sql) {
        return query(sql, rs -> rs.getLong(1)).get(0);
    }

    public <T> List<T> query(String sql, Row<T> row) {
        try (var c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @Override
    public void close() {
        server.close();
        if (ownsDb) {
            db.close();
        }
    }
}
