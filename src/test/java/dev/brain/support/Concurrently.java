package dev.brain.support;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Repeats of one request racing each other: every client is released at the same instant. */
public final class Concurrently {
    private Concurrently() {
    }

    /** Posts `body` once through each key (a key may repeat), all at once; returns the answers. */
    public static List<HttpResponse<String>> post(Brain brain, List<String> keys, String body) throws Exception {
        return post(Collections.nCopies(keys.size(), brain), keys, body);
    }

    /** Posts `body` once through each key, the i-th to the i-th instance, all at once; returns the answers. */
    public static List<HttpResponse<String>> post(List<Brain> brains, List<String> keys, String body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(keys.size());
        try {
            var go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> pending = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                Brain brain = brains.get(i);
                String key = keys.get(i);
                pending.add(pool.submit(() -> {
                    go.await();
                    return brain.post(key, body);
                }));
            }
            go.countDown();
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (var f : pending) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            pool.shutdown();
        }
    }

    /** The sum of one count field over 202 answers; fails on any other status. */
    public static int sum(List<HttpResponse<String>> answers, String field) {
        int total = 0;
        for (var r : answers) {
            if (r.statusCode() != 202) {
                throw new AssertionError("expected 202, got " + r.statusCode() + ": " + r.body());
            }
            total += Brain.json(r).get(field).asInt();
        }
        return total;
    }
}
