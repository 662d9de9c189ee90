package dev.brain.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brain.support.Brain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Headless Debian chromium driven over the DevTools protocol: navigate, evaluate, screenshot, collect console errors. */
public final class Chromium implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private final Process process;
    private final Path profile;
    private WebSocket ws;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    public final List<String> errors = new CopyOnWriteArrayList<>();

    public static String binary() {
        for (String b : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
            if (Files.isExecutable(Path.of(b))) {
                return b;
            }
        }
        return null;
    }

    public Chromium(int width, int height) throws Exception {
        profile = Files.createTempDirectory("brain-chromium");
        process = new ProcessBuilder(binary(), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height, "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            connect();
        } catch (Exception | Error e) {
            try {
                close();
            } catch (Exception cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void connect() throws Exception {
        String browserWs = null;
        var err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        for (String line; browserWs == null && (line = err.readLine()) != null; ) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                browserWs = m.group(1);
            }
        }
        if (browserWs == null) {
            throw new IllegalStateException("chromium did not start");
        }
        Thread drain = new Thread(() -> err.lines().forEach(l -> { }), "chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        URI browser = URI.create(browserWs);
        var http = HttpClient.newHttpClient();
        JsonNode targets = Brain.JSON.readTree(http.send(HttpRequest.newBuilder(
                URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        String pageWs = null;
        for (JsonNode t : targets) {
            if ("page".equals(t.get("type").asText())) {
                pageWs = t.get("webSocketDebuggerUrl").asText();
            }
        }
        ws = http.newWebSocketBuilder().buildAsync(URI.create(pageWs), new Listener()).get(30, TimeUnit.SECONDS);
        call("Runtime.enable", null);
        call("Log.enable", null);
        call("Page.enable", null);
    }

    JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = Brain.JSON.createObjectNode().put("id", id).put("method", method);
        if (params != null) {
            msg.set("params", params);
        }
        var answer = new CompletableFuture<JsonNode>();
        pending.put(id, answer);
        ws.sendText(msg.toString(), true).get(30, TimeUnit.SECONDS);
        JsonNode r = answer.get(30, TimeUnit.SECONDS);
        if (r.has("error")) {
            throw new IllegalStateException(method + ": " + r.get("error"));
        }
        return r.get("result");
    }

    public void navigate(String url) throws Exception {
        call("Page.navigate", Brain.JSON.createObjectNode().put("url", url));
    }

    public JsonNode eval(String expression) throws Exception {
        return call("Runtime.evaluate", Brain.JSON.createObjectNode().put("expression", expression).put("returnByValue", true))
                .get("result").get("value");
    }

    public boolean waitFor(String expression, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode v = eval(expression);
            if (v != null && v.asBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    public void screenshot(Path file) throws Exception {
        JsonNode r = call("Page.captureScreenshot", Brain.JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(r.get("data").asText()));
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                handle(partial.toString());
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        private void handle(String text) {
            try {
                JsonNode m = Brain.JSON.readTree(text);
                if (m.has("id")) {
                    var f = pending.remove(m.get("id").asInt());
                    if (f != null) {
                        f.complete(m);
                    }
                    return;
                }
                String method = m.path("method").asText();
                JsonNode p = m.path("params");
                if (method.equals("Runtime.exceptionThrown")) {
                    errors.add("exception: " + p.path("exceptionDetails"));
                } else if (method.equals("Runtime.consoleAPICalled") && (p.path("type").asText().equals("error")
                        || p.path("type").asText().equals("assert"))) {
                    errors.add("console." + p.path("type").asText() + ": " + p.path("args"));
                } else if (method.equals("Log.entryAdded") && p.path("entry").path("level").asText().equals("error")) {
                    errors.add("log: " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText());
                }
            } catch (Exception e) {
                errors.add("unreadable DevTools message: " + e);
            }
        }
    }

    /** Stops the browser and every process it started, then deletes the profile they were writing to. */
    @Override
    public void close() throws Exception {
        if (ws != null) {
            ws.abort();
        }
        // Taken before the browser exits: its children are reparented then, and would keep writing to the profile.
        List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        process.destroy();
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (TimeoutException stuck) {
                p.destroyForcibly();
                p.onExit().get(30, TimeUnit.SECONDS);
            }
        }
        try {
            deleteTree(profile);
        } catch (IOException firstTry) {
            Thread.sleep(500);
            deleteTree(profile);
        }
    }

    // Tolerant: whatever vanished under the walk is gone, which is what we wanted.
    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
