package dev.brain.otlp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.brain.error.BadRequest;
import dev.brain.error.BrainException;
import dev.brain.error.UnsupportedMediaType;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * OTLP/HTTP bodies in both encodings, decoded by the official proto classes: protobuf with protobuf-java's own
 * parser (recursion limit included), JSON with JsonFormat (lowerCamelCase, 64-bit ints as strings or numbers, enums
 * as numbers, unknown fields ignored) after Jackson has checked its syntax and nesting. OTLP JSON writes trace and
 * span ids as hex where proto JSON expects base64; see {@link #hexIds}.
 */
final class OtlpCodec {
    enum Encoding {
        PROTOBUF("application/x-protobuf"), JSON("application/json");

        final String contentType;

        Encoding(String contentType) {
            this.contentType = contentType;
        }
    }

    private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer JSON_PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final HexFormat HEX = HexFormat.of();
    private final ObjectMapper json;

    OtlpCodec(ObjectMapper json) {
        this.json = json;
    }

    /** The request's encoding from its Content-Type; 415 for anything else. */
    static Encoding encoding(String contentType) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "application/x-protobuf", "application/protobuf" -> Encoding.PROTOBUF;
            case "application/json" -> Encoding.JSON;
            default -> throw new UnsupportedMediaType("unsupported_media_type",
                    "Content-Type must be application/x-protobuf or application/json");
        };
    }

    @SuppressWarnings("unchecked")
    <T extends Message> T decode(byte[] body, Encoding encoding, T empty) {
        try {
            if (encoding == Encoding.PROTOBUF) {
                return (T) empty.getParserForType().parseFrom(CodedInputStream.newInstance(body));
            }
            checkJson(body);
            Message.Builder b = empty.newBuilderForType();
            JSON_PARSER.merge(new String(body, StandardCharsets.UTF_8), b);
            T message = (T) b.build();
            return message instanceof ExportTraceServiceRequest t ? (T) hexIds(t) : message;
        } catch (BrainException e) {
            throw e;
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            // Whatever the parsers throw on a hostile body is the body's fault: a 400, never a 500.
            throw new BadRequest("invalid_body", "the body is not a valid OTLP " + (encoding == Encoding.JSON ? "JSON" : "protobuf")
                    + " export request");
        }
    }

    byte[] encode(Message response, Encoding encoding) {
        if (encoding == Encoding.PROTOBUF) {
            return response.toByteArray();
        }
        try {
            return JSON_PRINTER.print(response).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("an OTLP response did not print as JSON", e);
        }
    }

    // Syntax, one value, and nesting within the brain's JSON limits, before JsonFormat builds its own tree.
    private void checkJson(byte[] body) {
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() == null) {
                throw new BadRequest("empty_body", "the body is empty");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new BadRequest("invalid_json", "the body holds more than one JSON value");
            }
        } catch (StreamConstraintsException e) {
            throw new BadRequest("invalid_json", "the body exceeds a JSON limit: nesting or size");
        } catch (IOException e) {
            throw new BadRequest("invalid_json", "the body is not valid JSON");
        }
    }

    /**
     * JsonFormat read the hex ids as base64: 32 and 16 hex characters are valid base64 of 24 and 12 bytes, whose
     * base64 is the hex text again. Re-encode and read it as hex; anything that was not hex is a 400.
     */
    static ExportTraceServiceRequest hexIds(ExportTraceServiceRequest t) {
        ExportTraceServiceRequest.Builder b = t.toBuilder();
        for (ResourceSpans.Builder rs : b.getResourceSpansBuilderList()) {
            for (ScopeSpans.Builder ss : rs.getScopeSpansBuilderList()) {
                for (Span.Builder s : ss.getSpansBuilderList()) {
                    s.setTraceId(hex(s.getTraceId())).setSpanId(hex(s.getSpanId())).setParentSpanId(hex(s.getParentSpanId()));
                }
            }
        }
        return b.build();
    }

    private static ByteString hex(ByteString misread) {
        if (misread.isEmpty()) {
            return misread;
        }
        try {
            return ByteString.copyFrom(HEX.parseHex(Base64.getEncoder().encodeToString(misread.toByteArray())));
        } catch (IllegalArgumentException e) {
            throw new BadRequest("invalid_id", "trace and span ids must be hex in OTLP JSON");
        }
    }
}
