package dev.brain.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.brain.support.Brain;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/** A real local HTTP endpoint standing in for Slack or a webhook receiver: it records every request and answers as told. */
final class WebhookSink implements AutoCloseable {
    enum Mode { OK, DOWN, HANG }

    /** One request as it arrived, and the status it was answered with (0 when it was never answered). */
    record Call(String path, String body, String delivery, String signature, int status) {
        JsonNode json() {
            try {
                return Brain.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    private final HttpServer server;
    private final List<Call> calls = new ArrayList<>();
    private volatile Mode mode = Mode.OK;
    private volatile CountDownLatch release = new CountDownLatch(1);

    WebhookSink() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Mode m = mode;
            int status = 0;
            try {
                if (m == Mode.HANG) {
                    record(exchange.getRequestURI().getPath(), body, exchange.getRequestHeaders(), 0);
                    release.await();
                    return;
                }
                status = m == Mode.OK ? 200 : 503;
                record(exchange.getRequestURI().getPath(), body, exchange.getRequestHeaders(), status);
                exchange.sendResponseHeaders(status, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    private synchronized void record(String path, String body, com.sun.net.httpserver.Headers h, int status) {
        calls.add(new Call(path, body, h.getFirst("X-Brain-Delivery"), h.getFirst("X-Brain-Signature"), status));
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void mode(Mode m) {
        if (mode == Mode.HANG && m != Mode.HANG) {
            release.countDown();
            release = new CountDownLatch(1);
        }
        mode = m;
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Requests answered 2xx on `path` that mention `text` in their body. */
    List<Call> delivered(String path, String text) {
        return calls().stream().filter(c -> c.path().equals(path) && c.status() == 200 && c.body().contains(text)).toList();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
