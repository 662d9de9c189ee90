package dev.brain.otlp;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.brain.support.Brain;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Claude Code-shaped OTLP requests and a client that posts them to a brain. */
final class Otlp {
    static final String PROTOBUF = "application/x-protobuf";
    static final String JSON = "application/json";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Otlp() {
    }

    static HttpResponse<byte[]> post(Brain brain, String key, String path, String contentType, byte[] body, Map<String, String> headers) {
        var b = HttpRequest.newBuilder(URI.create(brain.baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        headers.forEach(b::header);
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<byte[]> post(Brain brain, String key, String path, Message request, String contentType) {
        return post(brain, key, path, contentType, encode(request, contentType), Map.of());
    }

    static byte[] encode(Message m, String contentType) {
        if (contentType.equals(PROTOBUF)) {
            return m.toByteArray();
        }
        try {
            return JsonFormat.printer().print(m).getBytes(StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyValue str(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    static KeyValue num(String k, long v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
    }

    static KeyValue dbl(String k, double v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setDoubleValue(v)).build();
    }

    static Resource resource(KeyValue... attrs) {
        return Resource.newBuilder().addAllAttributes(List.of(attrs)).build();
    }

    static Resource claudeCode() {
        return resource(str("service.name", "claude-code"), str("service.version", "2.1.332"), str("brain.category", "coding"));
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** A Claude Code event as the CLI logs it: body claude_code.<event>, event.name without the prefix, personal ids. */
    static LogRecord claudeLog(String event, String session, long sequence, Instant at, KeyValue... attrs) {
        return LogRecord.newBuilder().setTimeUnixNano(nanos(at)).setObservedTimeUnixNano(nanos(at))
                .setBody(AnyValue.newBuilder().setStringValue("claude_code." + event))
                .addAttributes(str("event.name", event)).addAttributes(str("session.id", session))
                .addAttributes(num("event.sequence", sequence)).addAttributes(str("event.timestamp", at.toString()))
                .addAttributes(str("user.email", "jane.doe@example.com")).addAttributes(str("user.account_uuid", "acc-7f3e"))
                .addAttributes(str("organization.id", "org-9c1"))
                .addAllAttributes(List.of(attrs)).build();
    }

    static ExportLogsServiceRequest logs(Resource resource, List<LogRecord> records) {
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().setResource(resource)
                .addScopeLogs(ScopeLogs.newBuilder().addAllLogRecords(records))).build();
    }
}
