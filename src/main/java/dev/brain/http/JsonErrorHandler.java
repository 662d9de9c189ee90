package dev.brain.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/** What Jetty answers itself (a malformed URI or header, rejected before any route runs), in the JSON error shape and headers. */
final class JsonErrorHandler extends ErrorHandler {
    static final String NOSNIFF = "nosniff";
    private final ObjectMapper json;

    JsonErrorHandler(ObjectMapper json) {
        this.json = json;
    }

    /** The `error` code for a status no route chose a code for: the HTTP reason in snake case. */
    static String code(int status) {
        return switch (status) {
            case 413 -> "body_too_large";
            case 500 -> "internal";
            case 503 -> "unavailable";
            default -> HttpStatus.getMessage(status).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        };
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        response.getHeaders().put("X-Content-Type-Options", NOSNIFF);
        if (!response.getHeaders().contains("X-Request-Id")) {
            response.getHeaders().put("X-Request-Id", UUID.randomUUID().toString());
        }
        return super.handle(request, response, callback);
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
                                    Callback callback) throws IOException {
        // Jetty's own reasons ("Ambiguous URI path separator") help; an exception's toString would leak internals.
        String text = message != null && (cause == null || cause instanceof HttpException) ? message : HttpStatus.getMessage(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(status, text)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put("X-Content-Type-Options", NOSNIFF);
        fields.put("X-Request-Id", UUID.randomUUID().toString());
        return ByteBuffer.wrap(body(status, reason == null ? HttpStatus.getMessage(status) : reason));
    }

    private byte[] body(int status, String message) {
        try {
            return json.writeValueAsBytes(Map.of("error", code(status), "message", message));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
