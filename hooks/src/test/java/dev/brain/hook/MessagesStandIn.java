package dev.brain.hook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.brain.sdk.internal.JsonReader;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the Anthropic Messages API, scripted for one Claude Code session: a Bash
 * call that works, one that fails, a subagent that runs a Bash call of its own, then a final
 * answer. Streams Server-Sent Events as the real API does, and keeps what usage it reported per model.
 */
final class MessagesStandIn implements AutoCloseable {
    static final String PROMPT = "SCRIPTED: check the build";
    static final String SUBAGENT_PROMPT = "SUBAGENT: count the sources";
    static final String FINAL = "All done: the build passes, the missing folder was reported, and the subagent counted the sources.";

    private final HttpServer server;
    private final AtomicInteger responses = new AtomicInteger();
    private final Map<String, long[]> reported = new LinkedHashMap<>();

    MessagesStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** model -> {all input tokens (uncached + cache write + cache read), output tokens}, as reported. */
    synchronized Map<String, long[]> reported() {
        return new LinkedHashMap<>(reported);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (!ex.getRequestMethod().equals("POST") || !ex.getRequestURI().getPath().equals("/v1/messages")) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            Map<?, ?> request = (Map<?, ?>) JsonReader.parse(new String(body, StandardCharsets.UTF_8));
            String model = String.valueOf(request.get("model"));
            int i = responses.incrementAndGet();
            List<String[]> blocks = script(lastUserContent(request), i);
            long input = 100 + i;
            long cacheWrite = 10L * i;
            long cacheRead = 1000 + i;
            long output = 20 + i;
            synchronized (this) {
                long[] sum = reported.computeIfAbsent(model, m -> new long[2]);
                sum[0] += input + cacheWrite + cacheRead;
                sum[1] += output;
            }
            StringBuilder sse = new StringBuilder();
            event(sse, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_standin_" + i + "\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":1,\"cache_creation_input_tokens\":" + cacheWrite
                    + ",\"cache_read_input_tokens\":" + cacheRead + "}}}");
            boolean toolUse = false;
            for (int k = 0; k < blocks.size(); k++) {
                String[] b = blocks.get(k);
                if (b[0].equals("text")) {
                    event(sse, "content_block_start", "{\"type\":\"content_block_start\",\"index\":" + k
                            + ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
                    event(sse, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + k
                            + ",\"delta\":{\"type\":\"text_delta\",\"text\":" + quote(b[1]) + "}}");
                } else {
                    toolUse = true;
                    event(sse, "content_block_start", "{\"type\":\"content_block_start\",\"index\":" + k
                            + ",\"content_block\":{\"type\":\"tool_use\",\"id\":\"" + b[1] + "\",\"name\":\"" + b[2] + "\",\"input\":{}}}");
                    event(sse, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + k
                            + ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":" + quote(b[3]) + "}}");
                }
                event(sse, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + k + "}");
            }
            event(sse, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + (toolUse ? "tool_use" : "end_turn")
                    + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + output + "}}");
            event(sse, "message_stop", "{\"type\":\"message_stop\"}");
            byte[] out = sse.toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        }
    }

    // The answer depends on what the last user turn holds: the prompt, a tool result we asked for, or anything else.
    private static List<String[]> script(String last, int i) {
        List<String[]> blocks = new ArrayList<>();
        if (last.contains("toolu_ok_")) {
            blocks.add(tool("toolu_fail_" + i, "Bash", "{\"command\":\"ls /definitely-not-here-" + i + "\",\"description\":\"list\"}"));
        } else if (last.contains("toolu_fail_")) {
            blocks.add(tool("toolu_agent_" + i, "Agent", "{\"description\":\"count sources\",\"prompt\":\"" + SUBAGENT_PROMPT
                    + "\",\"subagent_type\":\"general-purpose\"}"));
        } else if (last.contains("toolu_sub_")) {
            blocks.add(new String[] {"text", "There are 3 sources."});
        } else if (last.contains(SUBAGENT_PROMPT)) {
            blocks.add(tool("toolu_sub_" + i, "Bash", "{\"command\":\"echo 3\",\"description\":\"count\"}"));
        } else if (last.contains(PROMPT)) {
            blocks.add(new String[] {"text", "Let me check."});
            blocks.add(tool("toolu_ok_" + i, "Bash", "{\"command\":\"echo build ok\",\"description\":\"build\"}"));
        } else {
            blocks.add(new String[] {"text", FINAL});
        }
        return blocks;
    }

    private static String[] tool(String id, String name, String input) {
        return new String[] {"tool_use", id, name, input};
    }

    private static String lastUserContent(Map<?, ?> request) {
        String last = "";
        if (request.get("messages") instanceof List<?> messages) {
            for (Object m : messages) {
                if (m instanceof Map<?, ?> message && "user".equals(message.get("role"))) {
                    last = String.valueOf(message.get("content"));
                }
            }
        }
        return last;
    }

    private static void event(StringBuilder sse, String name, String data) {
        sse.append("event: ").append(name).append('\n').append("data: ").append(data).append("\n\n");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
