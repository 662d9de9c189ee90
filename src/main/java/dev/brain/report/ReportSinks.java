package dev.brain.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** Where the scheduled digest goes: a Slack-compatible incoming webhook and/or a directory of .md and .html files. */
public final class ReportSinks {
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    private final String slackUrl;
    private final Path dir;
    private final ObjectMapper json;
    private final OkHttpClient http;

    public ReportSinks(String slackUrl, String dir, ObjectMapper json) {
        this.slackUrl = slackUrl == null || slackUrl.isEmpty() ? null : slackUrl;
        this.dir = dir == null || dir.isEmpty() ? null : Path.of(dir);
        this.json = json;
        Duration timeout = Duration.ofSeconds(10);
        this.http = new OkHttpClient.Builder().callTimeout(timeout).connectTimeout(timeout).readTimeout(timeout).build();
    }

    public boolean any() {
        return slackUrl != null || dir != null;
    }

    /** Sends the digest everywhere configured; returns where it went. Throws when a sink failed, so the week is retried. */
    String deliver(Digest d) {
        String md = DigestFormat.markdown(d);
        List<String> done = new ArrayList<>();
        if (dir != null) {
            write("weekly-" + d.since() + ".md", md);
            write("weekly-" + d.since() + ".html", DigestFormat.html(d));
            done.add("dir");
        }
        if (slackUrl != null) {
            postToSlack(DigestFormat.slack(md));
            done.add("slack");
        }
        return String.join(",", done);
    }

    private void write(String name, String body) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(name + ".tmp");
            Files.writeString(tmp, body, StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the digest to BRAIN_REPORT_DIR", e);
        }
    }

    private void postToSlack(String text) {
        try {
            byte[] body = json.writeValueAsBytes(Map.of("text", text));
            Request request = new Request.Builder().url(slackUrl).post(RequestBody.create(body, JSON)).build();
            try (Response r = http.newCall(request).execute()) {
                if (!r.isSuccessful()) {
                    throw new IllegalStateException("the report webhook answered HTTP " + r.code());
                }
            }
        } catch (IOException e) {
            // The webhook URL is a secret: name the failure, never the address.
            throw new IllegalStateException("the report webhook could not be reached (" + e.getClass().getSimpleName() + ")");
        }
    }
}
