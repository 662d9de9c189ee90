package dev.brain.config;

import dev.brain.error.InvalidConfig;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Every setting, read once from the environment; each has a safe default, and an unsafe value stops start-up. */
public record Config(
        String databaseUrl,
        String host,
        int port,
        boolean migrate,
        int retentionDays,
        double rateLimitPerSecond,
        int rateLimitBurst,
        int dbPoolSize,
        Duration dbAcquireTimeout,
        Duration dbSocketTimeout,
        Duration keyCacheTtl,
        int partitionMonthsAhead,
        Duration maintenanceInterval,
        Duration shutdownGrace,
        String readerPassword,
        Map<String, String> adminTokens,
        String anthropicApiKey,
        String anthropicBaseUrl,
        String redactionModel,
        int redactionConcurrency,
        int redactionQueueSize,
        int redactionQueuePerCustomer,
        Duration redactionTimeout,
        Duration redactionDrain,
        Duration rollupInterval,
        double authFailureRatePerSecond,
        int authFailureBurst,
        Duration bodyTimeout,
        int ingestConcurrency,
        int ingestConcurrencyPerKey,
        long ingestBufferBytes,
        String pricesFile,
        Alerting alerting,
        int billingCloseDays,
        int kAnonymity,
        int reportHourUtc,
        String reportSlackWebhookUrl,
        String reportDir,
        Duration sessionIdle,
        Duration sessionCloseInterval,
        String readDatabaseUrl,
        String archiveDir,
        Map<String, Long> sloModelP90Ms) {

    public static final String LOCAL_DATABASE_URL = "jdbc:postgresql://127.0.0.1:55432/brain?user=brain";
    public static final int DEFAULT_BODY_TIMEOUT_MS = 30_000;
    public static final int DEFAULT_INGEST_CONCURRENCY = 128;
    public static final int DEFAULT_INGEST_CONCURRENCY_PER_KEY = 16;
    // Javalin's HTTP thread pool holds 250 threads; ingest may never take them all from health and analytics.
    public static final int MAX_INGEST_CONCURRENCY = 200;
    // One request may hold 1 MiB on the wire and 8 MiB inflated, so the budget always admits at least one.
    public static final int MIN_INGEST_BUFFER_MB = 16;

    /** A quarter of the heap the JVM may grow to, in MiB: what request bodies may hold at once by default. */
    public static int defaultIngestBufferMb() {
        return (int) Math.max(MIN_INGEST_BUFFER_MB, Runtime.getRuntime().maxMemory() / 4 / (1 << 20));
    }

    public static Config fromEnv() {
        return from(System.getenv());
    }

    public static Config from(Map<String, String> env) {
        var e = new Env(env);
        int redactionQueue = e.integer("BRAIN_REDACTION_QUEUE", 10_000, 1, 1_000_000);
        return new Config(
                jdbcUrl(e.string("DATABASE_URL", LOCAL_DATABASE_URL)),
                e.string("BRAIN_HOST", "0.0.0.0"),
                e.integer("BRAIN_PORT", 8080, 0, 65535),
                e.bool("BRAIN_MIGRATE", true),
                e.integer("BRAIN_RETENTION_DAYS", 400, 1, 36500),
                e.decimal("BRAIN_RATE_LIMIT_RPS", 100, 0, 1_000_000),
                e.integer("BRAIN_RATE_LIMIT_BURST", 200, 1, 1_000_000),
                e.integer("BRAIN_DB_POOL_SIZE", Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), 1, 500),
                Duration.ofMillis(e.integer("BRAIN_DB_ACQUIRE_TIMEOUT_MS", 2000, 500, 60_000)),
                Duration.ofMillis(e.integer("BRAIN_DB_SOCKET_TIMEOUT_MS", 10_000, 1000, 600_000)),
                Duration.ofSeconds(e.integer("BRAIN_KEY_CACHE_SECONDS", 10, 0, 30)),
                e.integer("BRAIN_PARTITION_MONTHS_AHEAD", 3, 1, 24),
                Duration.ofSeconds(e.integer("BRAIN_MAINTENANCE_INTERVAL_S", 3600, 1, 86_400)),
                Duration.ofSeconds(e.integer("BRAIN_SHUTDOWN_GRACE_S", 10, 0, 300)),
                e.string("BRAIN_READER_PASSWORD", ""),
                adminTokens(e.string("BRAIN_ADMIN_TOKEN", ""), e.string("BRAIN_ADMIN_TOKENS", "")),
                e.string("ANTHROPIC_API_KEY", ""),
                e.string("BRAIN_ANTHROPIC_BASE_URL", "https://api.anthropic.com"),
                e.string("BRAIN_REDACTION_MODEL", "claude-haiku-4-5"),
                e.integer("BRAIN_REDACTION_CONCURRENCY", 8, 1, 256),
                redactionQueue,
                // A customer's share of the queue: one flooding customer leaves the rest to the others.
                e.integer("BRAIN_REDACTION_QUEUE_PER_CUSTOMER", Math.max(1, redactionQueue / 4), 1, 1_000_000),
                Duration.ofMillis(e.integer("BRAIN_REDACTION_TIMEOUT_MS", 5000, 100, 60_000)),
                Duration.ofSeconds(e.integer("BRAIN_REDACTION_DRAIN_S", 5, 0, 300)),
                Duration.ofSeconds(e.integer("BRAIN_ROLLUP_INTERVAL_S", 10, 1, 3600)),
                e.decimal("BRAIN_AUTH_FAILURE_RPS", 10, 0, 1_000_000),
                e.integer("BRAIN_AUTH_FAILURE_BURST", 100, 1, 1_000_000),
                Duration.ofMillis(e.integer("BRAIN_BODY_TIMEOUT_MS", DEFAULT_BODY_TIMEOUT_MS, 100, 600_000)),
                e.integer("BRAIN_INGEST_CONCURRENCY", DEFAULT_INGEST_CONCURRENCY, 1, MAX_INGEST_CONCURRENCY),
                e.integer("BRAIN_INGEST_CONCURRENCY_PER_KEY", DEFAULT_INGEST_CONCURRENCY_PER_KEY, 1, MAX_INGEST_CONCURRENCY),
                (long) e.integer("BRAIN_INGEST_BUFFER_MB", defaultIngestBufferMb(), MIN_INGEST_BUFFER_MB, 1 << 20) << 20,
                e.string("BRAIN_PRICES_FILE", ""),
                Alerting.from(e),
                e.integer("BRAIN_BILLING_CLOSE_DAYS", 3, 0, 60),
                e.integer("BRAIN_K_ANONYMITY", 5, 2, 1_000_000),
                e.integer("BRAIN_REPORT_HOUR_UTC", 8, 0, 23),
                webhookUrl("BRAIN_REPORT_SLACK_WEBHOOK_URL", e.string("BRAIN_REPORT_SLACK_WEBHOOK_URL", "")),
                e.string("BRAIN_REPORT_DIR", ""),
                Duration.ofSeconds(e.integer("BRAIN_SESSION_IDLE_S", 1800, 1, 7 * 86_400)),
                Duration.ofSeconds(e.integer("BRAIN_SESSION_CLOSE_INTERVAL_S", 15, 1, 3600)),
                // Empty: analytics read the primary. A replica's URL takes the read-only paths off the primary.
                e.string("BRAIN_READ_DATABASE_URL", "").isEmpty() ? "" : jdbcUrl("BRAIN_READ_DATABASE_URL", e.string("BRAIN_READ_DATABASE_URL", "")),
                // Empty: retention drops old months for good, as before.
                e.string("BRAIN_ARCHIVE_DIR", ""),
                modelObjectives(e.string("BRAIN_SLO_MODEL_P90_MS", "")));
    }

    /** "2000" (every model) or "claude-opus-4-6=8000,*=2000": p90 latency objectives in ms, "*" for the rest. */
    static Map<String, Long> modelObjectives(String raw) {
        var out = new java.util.LinkedHashMap<String, Long>();
        for (String part : raw.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.lastIndexOf('=');
            String model = eq < 0 ? "*" : part.substring(0, eq).trim();
            try {
                long ms = Long.parseLong(part.substring(eq + 1).trim());
                if (ms < 1 || model.isEmpty()) {
                    throw new NumberFormatException();
                }
                out.put(model, ms);
            } catch (NumberFormatException ex) {
                throw new InvalidConfig("BRAIN_SLO_MODEL_P90_MS must be milliseconds, or model=ms pairs separated by commas ('*' for"
                        + " every other model); '" + part.trim() + "' is neither");
            }
        }
        return Map.copyOf(out);
    }

    // Placeholders from examples and compose files; compared without case, spaces, dashes or underscores.
    private static final java.util.Set<String> WEAK_TOKENS = java.util.Set.of("changeme", "changemenow", "changemechangeme",
            "changethis", "changeit", "replaceme", "admin", "adminadmin", "administrator", "admintoken", "yourtoken",
            "youradmintoken", "password", "password123", "passw0rd", "secret", "secrettoken", "supersecret", "token",
            "test", "testtoken", "testing", "default", "example", "letmein", "qwerty", "123456", "1234567890123456",
            "0123456789abcdef");

    /** An admin token guards every analytics and raw-summary read, so a short or well-known one is refused. */
    static String strongToken(String variable, String token) {
        String plain = token.toLowerCase(java.util.Locale.ROOT).replaceAll("[\\s_.-]", "");
        String problem = WEAK_TOKENS.contains(plain) ? "is a well-known placeholder"
                : token.length() < 16 ? "is shorter than 16 characters"
                : plain.chars().distinct().count() < 5 ? "repeats too few characters" : null;
        if (problem != null) {
            throw new InvalidConfig(variable + " " + problem + "; set a random secret of at least 16 characters (e.g. openssl rand -hex 24)");
        }
        return token;
    }

    /** label → token: BRAIN_ADMIN_TOKEN is labelled "admin"; BRAIN_ADMIN_TOKENS adds "label=token,label=token". */
    static Map<String, String> adminTokens(String single, String many) {
        var tokens = new java.util.LinkedHashMap<String, String>();
        if (!single.isEmpty()) {
            tokens.put("admin", strongToken("BRAIN_ADMIN_TOKEN", single));
        }
        for (String pair : many.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new InvalidConfig("BRAIN_ADMIN_TOKENS must be label=token pairs separated by commas");
            }
            String label = pair.substring(0, eq).trim();
            tokens.put(label, strongToken("BRAIN_ADMIN_TOKENS: the token for '" + label + "'", pair.substring(eq + 1).trim()));
        }
        return Map.copyOf(tokens);
    }

    /** Empty, or an http(s) URL: a typo stops start-up instead of the first Monday's digest. */
    static String webhookUrl(String variable, String url) {
        if (!url.isEmpty() && !url.matches("https?://[^\\s/]+(/\\S*)?")) {
            throw new InvalidConfig(variable + " must be an http:// or https:// URL");
        }
        return url;
    }

    /** Accepts jdbc:postgresql://... as is, and turns postgres://user:pass@host:port/db into JDBC form. */
    public static String jdbcUrl(String url) {
        return jdbcUrl("DATABASE_URL", url);
    }

    static String jdbcUrl(String variable, String url) {
        if (url.startsWith("jdbc:")) {
            return url;
        }
        if (!url.startsWith("postgres://") && !url.startsWith("postgresql://")) {
            throw new InvalidConfig(variable + " must start with jdbc:postgresql://, postgres:// or postgresql://");
        }
        URI uri = URI.create(url);
        var jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
        if (uri.getPort() > 0) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath());
        var params = new StringBuilder(uri.getRawQuery() == null ? "" : uri.getRawQuery());
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            appendParam(params, "user", decode(user));
            if (colon >= 0) {
                appendParam(params, "password", decode(userInfo.substring(colon + 1)));
            }
        }
        return params.length() == 0 ? jdbc.toString() : jdbc.append('?').append(params).toString();
    }

    private static void appendParam(StringBuilder params, String name, String value) {
        if (params.length() > 0) {
            params.append('&');
        }
        params.append(name).append('=').append(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
