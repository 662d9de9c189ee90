package dev.brain.sdk;

import dev.brain.sdk.internal.TestJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The test seam: records each request's events and answers from a script, then 202. */
final class FakeTransport implements Transport {
    private final Deque<Object> script = new ArrayDeque<>();
    private final List<List<Map<String, Object>>> requests = new ArrayList<>();
    private final List<Long> requestTimes = new ArrayList<>();
    private volatile long delayMillis;

    /** Queues answers for the next requests: a {@link Transport.Response} or an {@link IOException}. */
    synchronized FakeTransport then(Object... answers) {
        for (Object a : answers) {
            script.addLast(a);
        }
        return this;
    }

    FakeTransport delay(long millis) {
        this.delayMillis = millis;
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Response send(byte[] body) throws IOException, InterruptedException {
        Map<String, Object> parsed = (Map<String, Object>) TestJson.parse(new String(body, StandardCharsets.UTF_8));
        List<Map<String, Object>> events = (List<Map<String, Object>>) parsed.get("events");
        if (delayMillis > 0) {
            Thread.sleep(delayMillis);
        }
        Object answer;
        synchronized (this) {
            requests.add(events);
            requestTimes.add(System.nanoTime());
            answer = script.pollFirst();
            notifyAll();
        }
        if (answer instanceof IOException) {
            throw (IOException) answer;
        }
        if (answer instanceof Response) {
            return (Response) answer;
        }
        return Response.of(202, "{\"accepted\":" + events.size() + ",\"duplicates\":0,\"rejected\":[]}");
    }

    synchronized List<List<Map<String, Object>>> requests() {
        return new ArrayList<>(requests);
    }

    synchronized List<Long> requestTimes() {
        return new ArrayList<>(requestTimes);
    }

    synchronized List<Map<String, Object>> events() {
        List<Map<String, Object>> all = new ArrayList<>();
        requests.forEach(all::addAll);
        return all;
    }

    /** Waits until at least {@code n} requests were made. */
    synchronized boolean awaitRequests(int n, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (requests.size() < n) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> payload(Map<String, Object> event) {
        return (Map<String, Object>) event.get("payload");
    }
}
