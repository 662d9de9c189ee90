package dev.brain.sdk;

import dev.brain.sdk.internal.Engine;
import dev.brain.sdk.internal.Event;
import dev.brain.sdk.internal.HttpTransport;
import dev.brain.sdk.internal.Log;
import dev.brain.sdk.internal.MapPayload;
import dev.brain.sdk.internal.Settings;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Brain client. Build one per process and share it: {@code Brain.fromEnvironment()} or
 * {@link #builder()}. Recording calls cost the calling thread well under a microsecond, never touch
 * the network, and never throw; events are spooled to disk by one daemon thread and sent by another.
 * Without an API key the client is disabled and every call does nothing (bodies passed to
 * {@link #run} still run).
 */
public final class Brain implements AutoCloseable {
    private static final Brain DISABLED = new Brain(null);
    private static final Duration MAX_WAIT = Duration.ofDays(365);

    private final Engine engine;

    private Brain(Engine engine) {
        this.engine = engine;
    }

    /** Configured from {@code BRAIN_API_KEY}, {@code BRAIN_ENDPOINT} and {@code BRAIN_SPOOL_DIR}. */
    public static Brain fromEnvironment() {
        return builder().build();
    }

    /** A builder whose defaults come from the environment; every setter overrides. */
    public static Builder builder() {
        return new Builder(System::getenv);
    }

    /** A client that records nothing. */
    public static Brain disabled() {
        return DISABLED;
    }

    public boolean isEnabled() {
        return engine != null;
    }

    /** Opens a session: emits {@code session.start} now, {@code session.end} on {@link Session#close()}. */
    public Session session(String category) {
        return session(category, null);
    }

    /** As {@link #session(String)}, with where the work came from (e.g. {@code "email"}). */
    public Session session(String category, String source) {
        Session s = new Session(engine, category);
        try {
            s.start(source);
        } catch (RuntimeException ignored) {
            // recording must never reach the agent
        }
        return s;
    }

    /**
     * Runs {@code body} inside a session. If it throws, the session ends {@code failed}, an
     * {@code error} event is recorded, and the exception is rethrown unchanged.
     */
    public <E extends Throwable> void run(String category, SessionAction<E> body) throws E {
        if (body == null) {
            return;
        }
        Session s = session(category);
        try {
            body.run(s);
        } catch (Throwable t) {
            s.fail(t);
            throw t;
        } finally {
            s.close();
        }
    }

    /** As {@link #run}, returning the body's value. */
    public <T, E extends Throwable> T call(String category, SessionCallable<T, E> body) throws E {
        if (body == null) {
            return null;
        }
        Session s = session(category);
        try {
            return body.call(s);
        } catch (Throwable t) {
            s.fail(t);
            throw t;
        } finally {
            s.close();
        }
    }

    /** Records a raw event outside any session (the brain accepts the event types of SPEC §4.1). */
    public void track(String type, Map<String, ?> payload) {
        track(type, engine == null ? null : engine.instanceId(), payload);
    }

    /**
     * Records a raw event for {@code sessionId}. A mutable payload map is copied (shallowly) now;
     * nested values are read later on an SDK thread, so do not change them afterwards.
     */
    public void track(String type, String sessionId, Map<String, ?> payload) {
        track(type, sessionId, null, payload);
    }

    /**
     * As {@link #track(String, String, Map)}, stamped {@code ts} instead of now (null means now):
     * for events recorded after the fact, e.g. by a process that did not see the session end.
     */
    public void track(String type, String sessionId, Instant ts, Map<String, ?> payload) {
        if (engine == null || type == null) {
            return;
        }
        try {
            Map<String, ?> copy = payload == null ? Map.of() : isImmutable(payload) ? payload : new LinkedHashMap<>(payload);
            engine.enqueue(new Event(type, sessionId == null ? engine.instanceId() : sessionId,
                    ts == null ? System.currentTimeMillis() : ts.toEpochMilli(), new MapPayload(copy)));
        } catch (RuntimeException ignored) {
            // e.g. a map whose iteration throws, or an instant beyond epoch millis: dropped, never thrown
        }
    }

    // Map.of(...) cannot change under us, so it needs no copy: the common case costs no allocation.
    private static boolean isImmutable(Map<String, ?> payload) {
        return payload.getClass().getName().startsWith("java.util.ImmutableCollections$");
    }

    /**
     * Writes everything recorded so far to the spool, then waits at most {@code timeout} for it to
     * reach the brain. Returns true when nothing is left to send; what is left stays spooled for
     * the next attempt or the next process. Blocks only the caller, and never past the timeout.
     */
    public boolean flush(Duration timeout) {
        if (engine == null) {
            return true;
        }
        try {
            Duration bounded = timeout == null || timeout.isNegative() ? Duration.ZERO
                    : timeout.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : timeout;
            return engine.flush(bounded.toNanos());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Flushes for at most the shutdown timeout (2 s by default), then spools the rest and stops. */
    @Override
    public void close() {
        if (engine == null) {
            return;
        }
        try {
            engine.close();
        } catch (RuntimeException ignored) {
            // closing is best effort
        }
    }

    /** Settings, validated as they are set; a bad value is reported to the logger and the default kept. */
    public static final class Builder {
        private final Function<String, String> env;
        private final List<String> problems = new ArrayList<>();
        private String apiKey;
        private String endpoint;
        private String signingSecret;
        private Path spoolDir;
        private long spoolMaxBytes = 16L * 1024 * 1024;
        private int bufferCapacity = 10_000;
        private int batchSize = 100;
        private Duration flushInterval = Duration.ofSeconds(5);
        private Duration heartbeatInterval = Duration.ofMinutes(5);
        private Duration shutdownTimeout = Duration.ofSeconds(2);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration maxRetryBackoff = Duration.ofMinutes(5);
        private boolean shutdownHook = true;
        private String agentVersion;
        private BrainLogger logger = BrainLogger.SILENT;
        private Transport transport;

        Builder(Function<String, String> env) {
            this.env = env;
        }

        /** Overrides {@code BRAIN_API_KEY}. */
        public Builder apiKey(String key) {
            this.apiKey = key;
            return this;
        }

        /** Overrides {@code BRAIN_ENDPOINT} (default {@code http://localhost:8080}). */
        public Builder endpoint(String url) {
            this.endpoint = url;
            return this;
        }

        /** Overrides {@code BRAIN_SIGNING_SECRET}: the secret of a key minted with --require-signature; requests are then signed. */
        public Builder signingSecret(String secret) {
            this.signingSecret = secret;
            return this;
        }

        /** Overrides {@code BRAIN_SPOOL_DIR} (default {@code <java.io.tmpdir>/brain-sdk}). */
        public Builder spoolDir(Path dir) {
            this.spoolDir = dir;
            return this;
        }

        /** Disk spool bound (default 16 MiB); over it the oldest events go. 0 keeps the spool in memory only. */
        public Builder spoolMaxBytes(long bytes) {
            if (bytes < 0) {
                problems.add("spoolMaxBytes must be >= 0, was " + bytes);
            } else {
                this.spoolMaxBytes = bytes;
            }
            return this;
        }

        /** Events held in memory awaiting the spool (default 10,000); over it the oldest go. */
        public Builder bufferCapacity(int events) {
            if (events < 1) {
                problems.add("bufferCapacity must be >= 1, was " + events);
            } else {
                this.bufferCapacity = events;
            }
            return this;
        }

        /** Events per request, 1 to 500 (default 100). */
        public Builder batchSize(int events) {
            if (events < 1 || events > 500) {
                problems.add("batchSize must be between 1 and 500, was " + events);
            } else {
                this.batchSize = events;
            }
            return this;
        }

        /** How often buffered events are spooled and the spool sent (default 5 s; at least 10 ms). */
        public Builder flushInterval(Duration interval) {
            if (interval == null || interval.toMillis() < 10) {
                problems.add("flushInterval must be at least 10 ms, was " + interval);
            } else {
                this.flushInterval = interval;
            }
            return this;
        }

        /** How often a heartbeat is recorded (default 5 min); {@link Duration#ZERO} turns them off. */
        public Builder heartbeatInterval(Duration interval) {
            if (interval == null || interval.isNegative() || (!interval.isZero() && interval.toMillis() < 10)) {
                problems.add("heartbeatInterval must be zero (off) or at least 10 ms, was " + interval);
            } else {
                this.heartbeatInterval = interval;
            }
            return this;
        }

        /** How long close() and the shutdown hook try to send before spooling the rest (default 2 s). */
        public Builder shutdownTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                problems.add("shutdownTimeout must be >= 0, was " + timeout);
            } else {
                this.shutdownTimeout = timeout;
            }
            return this;
        }

        /** Per-request HTTP timeout of the default transport (default 10 s). */
        public Builder requestTimeout(Duration timeout) {
            if (timeout == null || timeout.toMillis() < 1) {
                problems.add("requestTimeout must be positive, was " + timeout);
            } else {
                this.requestTimeout = timeout;
            }
            return this;
        }

        /** Ceiling of the exponential retry backoff (default 5 min). */
        public Builder maxRetryBackoff(Duration max) {
            if (max == null || max.toMillis() < 1000) {
                problems.add("maxRetryBackoff must be at least 1 s, was " + max);
            } else {
                this.maxRetryBackoff = max;
            }
            return this;
        }

        /** Whether to register a JVM shutdown hook that closes the client (default true). */
        public Builder shutdownHook(boolean enabled) {
            this.shutdownHook = enabled;
            return this;
        }

        /** Reported in heartbeats as {@code agent_version} (default {@code BRAIN_AGENT_VERSION} or "unknown"). */
        public Builder agentVersion(String version) {
            this.agentVersion = version;
            return this;
        }

        /** Where the SDK reports its own trouble (default: silent). */
        public Builder logger(BrainLogger logger) {
            this.logger = logger == null ? BrainLogger.SILENT : logger;
            return this;
        }

        /** Replaces the HTTP transport (tests, proxies, custom clients). */
        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        /** Never throws: without an API key, or with an unusable endpoint, the client is disabled. */
        public Brain build() {
            Log log = new Log(logger);
            try {
                for (String problem : problems) {
                    log.warn("brain SDK setting ignored: " + problem, null);
                }
                String key = firstNonBlank(apiKey, env.apply("BRAIN_API_KEY"));
                if (key == null) {
                    log.info("BRAIN_API_KEY is not set: the brain SDK records nothing");
                    return DISABLED;
                }
                String url = firstNonBlank(endpoint, env.apply("BRAIN_ENDPOINT"), "http://localhost:8080");
                URI uri = parseEndpoint(url);
                if (uri == null && transport == null) {
                    log.error("BRAIN_ENDPOINT is not an http(s) URL: '" + url + "'; the brain SDK records nothing", null);
                    return DISABLED;
                }
                String version = firstNonBlank(agentVersion, env.apply("BRAIN_AGENT_VERSION"), "unknown");
                Settings settings = new Settings(
                        transport != null ? transport
                                : new HttpTransport(uri, key, requestTimeout, firstNonBlank(signingSecret, env.apply("BRAIN_SIGNING_SECRET"))), log,
                        spoolMaxBytes == 0 ? null : spoolBase().resolve(spoolName(url, key)), spoolMaxBytes,
                        bufferCapacity, batchSize, flushInterval, heartbeatInterval, shutdownTimeout, shutdownHook,
                        version, maxRetryBackoff);
                Engine engine = new Engine(settings);
                engine.start();
                return new Brain(engine);
            } catch (RuntimeException | Error e) {
                log.error("the brain SDK could not start; it records nothing", e);
                return DISABLED;
            }
        }

        private Path spoolBase() {
            if (spoolDir != null) {
                return spoolDir;
            }
            String fromEnv = firstNonBlank(env.apply("BRAIN_SPOOL_DIR"));
            return fromEnv != null ? Paths.get(fromEnv) : Paths.get(System.getProperty("java.io.tmpdir"), "brain-sdk");
        }

        // One spool per endpoint and key, so events are only ever sent with the key they were recorded under.
        private static String spoolName(String url, String key) {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest((url + "\n" + key).getBytes(StandardCharsets.UTF_8));
                StringBuilder hex = new StringBuilder();
                for (int i = 0; i < 8; i++) {
                    hex.append(String.format("%02x", d[i]));
                }
                return hex.toString();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private static URI parseEndpoint(String url) {
            try {
                URI uri = new URI(url.trim());
                String scheme = uri.getScheme();
                if (scheme == null || uri.getHost() == null
                        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                    return null;
                }
                return uri;
            } catch (java.net.URISyntaxException e) {
                return null;
            }
        }

        private static String firstNonBlank(String... values) {
            for (String v : values) {
                if (v != null && !v.trim().isEmpty()) {
                    return v.trim();
                }
            }
            return null;
        }
    }
}
