package dev.brain.support;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** A real local HTTP server standing in for the Anthropic Messages API. */
public final class FakeAnthropic implements AutoCloseable {
    private final MockWebServer server = new MockWebServer();
    private volatile Function<String, MockResponse> answer = FakeAnthropic::redactedReply;
    public final List<String> requestBodies = new CopyOnWriteArrayList<>();
    public final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    public final AtomicInteger calls = new AtomicInteger();

    public FakeAnthropic() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                calls.incrementAndGet();
                requests.add(request);
                String body = request.getBody() == null ? "" : request.getBody().utf8();
                requestBodies.add(body);
                return answer.apply(body);
            }
        });
        server.start(0);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public void answer(Function<String, MockResponse> answer) {
        this.answer = answer;
    }

    public static MockResponse text(String text) {
        String escaped = text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-haiku-4-5\","
                        + "\"content\":[{\"type\":\"text\",\"text\":\"" + escaped + "\"}],\"stop_reason\":\"end_turn\","
                        + "\"usage\":{\"input_tokens\":80,\"output_tokens\":20}}")
                .build();
    }

    public static MockResponse status(int code) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
                .body("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"try later\"}}").build();
    }

    public static MockResponse slow(long millis, MockResponse then) {
        return then.newBuilder().headersDelay(millis, TimeUnit.MILLISECONDS).build();
    }

    /** The default: a plausible redaction that never echoes the input. */
    static MockResponse redactedReply(String requestBody) {
        return text("Handled a billing dispute for a customer; refund issued.");
    }

    @Override
    public void close() {
        server.close();
    }
}
