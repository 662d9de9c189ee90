package dev.brain.redact;

import dev.brain.error.RedactionFailed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Claude Haiku over the Anthropic Messages API: the seed prompt, a 5 s budget per call, the answer
 * checked (one line, ≤ 120 characters) and then scrubbed. Never logs or returns the raw text.
 */
public final class AnthropicRedactor implements Redactor {
    static final String PROMPT = "Rewrite the following one-line agent task summary in 120 characters or fewer. "
            + "Strip every personal name, email address, phone number, postal address, account number, and order/ticket ID. "
            + "Preserve the business intent (what kind of task it was, what the outcome was). Reply with only the rewritten line.";
    private static final String SYSTEM = "You redact personal data from one-line summaries of AI agent tasks for a privacy-preserving analytics system.";
    private static final MediaType JSON = MediaType.get("application/json");
    private static final int MAX_ANSWER_BYTES = 16 * 1024;

    private final OkHttpClient http;
    private final ObjectMapper json;
    private final String url;
    private final String apiKey;
    private final String model;

    public AnthropicRedactor(ObjectMapper json, String baseUrl, String apiKey, String model, Duration timeout, int concurrency) {
        var dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(concurrency);
        dispatcher.setMaxRequestsPerHost(concurrency);
        this.http = new OkHttpClient.Builder()
                .callTimeout(timeout)
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .retryOnConnectionFailure(false)
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(concurrency, 5, java.util.concurrent.TimeUnit.MINUTES))
                .build();
        this.json = json;
        this.url = baseUrl.replaceAll("/+$", "") + "/v1/messages";
        this.apiKey = apiKey;
        this.model = model;
    }

    @Override
    public boolean usesModel() {
        return true;
    }

    @Override
    public String redact(String raw) throws RedactionFailed {
        byte[] body;
        try {
            body = json.writeValueAsBytes(Map.of(
                    "model", model,
                    "max_tokens", 200,
                    "temperature", 0,
                    "system", SYSTEM,
                    "messages", List.of(Map.of("role", "user", "content", PROMPT + "\n\n" + ScrubberRedactor.oneLine(raw)))));
        } catch (IOException e) {
            throw new RedactionFailed("failed", "request could not be built");
        }
        Request request = new Request.Builder().url(url)
                .header("x-api-key", apiKey)
                .header("anthropic-version", "2023-06-01")
                .post(RequestBody.create(body, JSON))
                .build();
        String answer;
        try (Response response = http.newCall(request).execute()) {
            if (!response.isSuccessful()) {
                throw new RedactionFailed("failed", "Anthropic answered HTTP " + response.code());
            }
            ResponseBody rb = response.body();
            byte[] bytes = rb.byteStream().readNBytes(MAX_ANSWER_BYTES + 1);
            if (bytes.length > MAX_ANSWER_BYTES) {
                throw new RedactionFailed("failed", "Anthropic answer was too large");
            }
            answer = text(json.readTree(bytes));
        } catch (InterruptedIOException e) {
            throw new RedactionFailed("timeout", "Anthropic did not answer in time");
        } catch (IOException e) {
            throw new RedactionFailed("failed", "Anthropic call failed: " + e.getClass().getSimpleName());
        }
        if (answer == null) {
            throw new RedactionFailed("failed", "Anthropic answer had no text");
        }
        String line = answer.trim();
        if (line.isEmpty() || line.contains("\n") || line.contains("\r")) {
            throw new RedactionFailed("failed", "Anthropic answer was not a single line");
        }
        if (line.codePointCount(0, line.length()) > MAX_CHARS) {
            throw new RedactionFailed("failed", "Anthropic answer was longer than " + MAX_CHARS + " characters");
        }
        return Scrubber.scrub(line);
    }

    private static String text(JsonNode root) {
        if (root == null) {
            return null;
        }
        for (JsonNode block : root.path("content")) {
            if ("text".equals(block.path("type").asText()) && block.path("text").isTextual()) {
                return block.get("text").asText();
            }
        }
        return null;
    }

    @Override
    public void cancelAll() {
        http.dispatcher().cancelAll();
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
