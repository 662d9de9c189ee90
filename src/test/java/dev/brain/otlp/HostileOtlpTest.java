package dev.brain.otlp;

import static dev.brain.otlp.Otlp.JSON;
import static dev.brain.otlp.Otlp.PROTOBUF;
import static dev.brain.otlp.Otlp.claudeCode;
import static dev.brain.otlp.Otlp.claudeLog;
import static dev.brain.otlp.Otlp.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.Brain;
import dev.brain.support.OneBrainPerClass;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Hostile OTLP bodies: the right status, nothing partially stored, the server alive. */
class HostileOtlpTest extends OneBrainPerClass {
    HostileOtlpTest() {
        super("hostile");
    }

    private HttpResponse<byte[]> post(String path, String type, byte[] body, Map<String, String> headers) {
        return Otlp.post(brain, key, path, type, body, headers);
    }

    private static byte[] valid() {
        return Otlp.encode(Otlp.logs(claudeCode(), List.of(claudeLog("tool_result", "h-1", 1, Instant.now(),
                str("tool_name", "Bash"), str("success", "true")))), PROTOBUF);
    }

    private static byte[] gzip(byte[] raw) throws Exception {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    @Test
    void undecodable_bodies_are_400_and_store_nothing() {
        byte[] ok = valid();
        assertEquals(400, post("/v1/logs", PROTOBUF, Arrays.copyOf(ok, ok.length - 7), Map.of()).statusCode(), "truncated protobuf");
        assertEquals(400, post("/v1/logs", PROTOBUF, "not protobuf at all \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1), Map.of()).statusCode());
        assertEquals(400, post("/v1/logs", JSON, "{\"resourceLogs\": \"a string\"}".getBytes(StandardCharsets.UTF_8), Map.of()).statusCode(), "wrong types");
        assertEquals(400, post("/v1/metrics", JSON, "{\"resourceMetrics\": [{\"scopeMetrics\": [{\"metrics\": [{\"sum\": {\"dataPoints\": [{\"asDouble\": \"many\"}]}}]}]}]}"
                .getBytes(StandardCharsets.UTF_8), Map.of()).statusCode(), "a string where a double goes");
        assertEquals(400, post("/v1/traces", JSON, "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\",\"spanId\":\"0102030405060708\"}]}]}]}"
                .getBytes(StandardCharsets.UTF_8), Map.of()).statusCode(), "a trace id that is not hex");
        assertEquals(400, post("/v1/logs", JSON, ("[".repeat(100_000)).getBytes(StandardCharsets.UTF_8), Map.of()).statusCode(), "deep JSON");
        assertEquals(400, post("/v1/logs", JSON, "{} {}".getBytes(StandardCharsets.UTF_8), Map.of()).statusCode(), "two values");
        assertEquals(400, post("/v1/logs", PROTOBUF, deepAnyValue(500), Map.of()).statusCode(), "deep protobuf nesting");
        assertEquals(0, brain.count("select count(*) from sessionizer_fragments"));
        assertEquals(0, brain.count("select count(*) from events"));
    }

    // A log body of AnyValue kvlists nested `depth` deep, written inside out so building it needs no recursion.
    private static byte[] deepAnyValue(int depth) {
        AnyValue v = AnyValue.newBuilder().setStringValue("x").build();
        for (int i = 0; i < depth; i++) {
            v = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addValues(KeyValue.newBuilder().setKey("k").setValue(v))).build();
        }
        LogRecord r = LogRecord.newBuilder().setBody(v).build();
        return Otlp.logs(claudeCode(), List.of(r)).toByteArray();
    }

    @Test
    void wrong_content_type_missing_key_and_oversized_bodies_get_their_statuses() throws Exception {
        assertEquals(415, post("/v1/logs", "text/plain", valid(), Map.of()).statusCode());
        assertEquals(415, post("/v1/logs", null, valid(), Map.of()).statusCode());
        assertEquals(401, Otlp.post(brain, null, "/v1/logs", PROTOBUF, valid(), Map.of()).statusCode());
        assertEquals(401, Otlp.post(brain, "brain_not_a_key", "/v1/traces", PROTOBUF, valid(), Map.of()).statusCode());
        assertEquals(413, post("/v1/logs", PROTOBUF, new byte[2 << 20], Map.of()).statusCode(), "over the wire limit");
        byte[] bomb = gzip(new byte[64 << 20]);
        assertEquals(413, post("/v1/logs", PROTOBUF, bomb, Map.of("Content-Encoding", "gzip")).statusCode(), "gzip bomb");
        assertEquals(400, post("/v1/logs", PROTOBUF, "not gzip".getBytes(StandardCharsets.UTF_8), Map.of("Content-Encoding", "gzip")).statusCode());
        assertEquals(200, post("/v1/logs", PROTOBUF, gzip(valid()), Map.of("Content-Encoding", "gzip")).statusCode(), "gzip itself is fine");
    }

    @Test
    void ten_thousand_attributes_and_huge_strings_cost_nothing_but_their_own_record() throws Exception {
        var many = claudeLog("tool_result", "h-many", 1, Instant.now(), str("tool_name", "Bash"), str("success", "true")).toBuilder();
        for (int i = 0; i < 10_000; i++) {
            many.addAttributes(str("attr." + i, "v" + i));
        }
        String huge = "x".repeat(300_000);
        var request = Otlp.logs(claudeCode(), List.of(many.build(),
                claudeLog("tool_result", "h-huge", 1, Instant.now(), str("tool_name", huge), str("success", "true")),
                claudeLog("tool_result", "h-huge", 2, Instant.now(), str("tool_name", "Read"), str("session.id", huge))));
        var r = post("/v1/logs", PROTOBUF, request.toByteArray(), Map.of());
        assertEquals(200, r.statusCode());
        var partial = ExportLogsServiceResponse.parseFrom(r.body()).getPartialSuccess();
        assertEquals(2, partial.getRejectedLogRecords());
        assertTrue(partial.getErrorMessage().contains("string_too_long"), partial.getErrorMessage());
        assertEquals(1, brain.count("select count(*) from sessionizer_fragments where session_id = 'h-many'"));
        assertEquals(0, brain.count("select count(*) from sessionizer_fragments where length(coalesce(name, '')) > 128"));
    }

    @AfterAll
    void serverStillAnswers() {
        assertEquals(200, brain.get("/healthz").statusCode());
        assertEquals(200, Otlp.post(brain, key, "/v1/logs", PROTOBUF, valid(), Map.of()).statusCode());
        assertTrue(Brain.json(brain.get("/healthz")) != null);
    }
}
