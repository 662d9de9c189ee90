package dev.brain.sdk.internal;

import dev.brain.sdk.Transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** The default transport: one gzip POST per batch to {@code {endpoint}/v1/events}. */
public final class HttpTransport implements Transport {
    static final String USER_AGENT = "brain-sdk-java/0.1.0";

    private final URI uri;
    private final String authorization;
    private final Duration requestTimeout;
    private final String signingSecret;
    private HttpClient client;

    public HttpTransport(URI endpoint, String apiKey, Duration requestTimeout) {
        this(endpoint, apiKey, requestTimeout, null);
    }

    /** signingSecret: the key's signing secret (BRAIN_SIGNING_SECRET), or null for a key that needs no signature. */
    public HttpTransport(URI endpoint, String apiKey, Duration requestTimeout, String signingSecret) {
        String base = endpoint.toString();
        this.uri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/events");
        this.authorization = "Bearer " + apiKey;
        this.requestTimeout = requestTimeout;
        this.signingSecret = signingSecret;
    }

    @Override
    public Response send(byte[] body) throws IOException, InterruptedException {
        byte[] wire = gzip(body);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .header("User-Agent", USER_AGENT);
        if (signingSecret != null) {
            // Signed at each attempt: a retry from the spool minutes later carries a fresh timestamp.
            String ts = Long.toString(System.currentTimeMillis() / 1000);
            builder.header("X-Brain-Timestamp", ts).header("X-Brain-Signature", "sha256=" + Signature.hmacHex(signingSecret, ts, wire));
        }
        HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofByteArray(wire)).build();
        HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());
        long retryAfter = response.headers().firstValue("Retry-After").map(HttpTransport::retryAfterSeconds).orElse(-1L);
        return new Response(response.statusCode(), retryAfter, response.body());
    }

    // Built on first use, on the SDK thread: creating an HttpClient costs tens of milliseconds.
    private synchronized HttpClient client() {
        if (client == null) {
            HttpClient.Builder builder = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5));
            if ("http".equalsIgnoreCase(uri.getScheme())) {
                builder.sslContext(plaintextOnly());
            }
            client = builder.build();
        }
        return client;
    }

    /**
     * For a plain-http endpoint: a TLS context that never loads the trust store. The default one
     * parses every CA certificate of the JDK (hundreds of ms in a fresh JVM, e.g. a hook process)
     * though no TLS connection will ever be made.
     */
    private static SSLContext plaintextOnly() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[0], new TrustManager[0], null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS implementation", e);
        }
    }

    static byte[] gzip(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(body);
        }
        return out.toByteArray();
    }

    /** Retry-After is delay-seconds or an HTTP date; anything else counts as absent. */
    static long retryAfterSeconds(String value) {
        String v = value.trim();
        try {
            return Math.max(0, Long.parseLong(v));
        } catch (NumberFormatException notSeconds) {
            try {
                long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
                return Math.max(0, at - System.currentTimeMillis() / 1000);
            } catch (RuntimeException notADate) {
                return -1;
            }
        }
    }
}
