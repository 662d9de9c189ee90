package dev.brain;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.analytics.Analytics;
import dev.brain.analytics.AnalyticsApi;
import dev.brain.analytics.Dashboard;
import dev.brain.analytics.RollupJob;
import dev.brain.auth.AuthFailureLimiter;
import dev.brain.auth.Authenticator;
import dev.brain.config.Config;
import dev.brain.db.Database;
import dev.brain.http.HttpApp;
import dev.brain.http.Json;
import dev.brain.http.Metrics;
import dev.brain.http.Readiness;
import dev.brain.ingest.AgentActivity;
import dev.brain.ingest.EventStore;
import dev.brain.ingest.EventValidator;
import dev.brain.ingest.IngestService;
import dev.brain.ingest.RateLimiter;
import dev.brain.jobs.PartitionMaintenance;
import dev.brain.privacy.PrivacyAdmin;
import dev.brain.privacy.RawSummaries;
import dev.brain.redact.RedactionQueue;
import dev.brain.redact.Redactor;
import dev.brain.redact.Redactors;
import dev.brain.redact.SummaryStore;
import dev.brain.http.AdminAuth;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running brain: database pool, HTTP app and scheduled jobs, built from a Config. */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);
    private static final long JOBS_START_DELAY_MS = 1500;
    private final Database db;
    private final Javalin app;
    private final Metrics metrics;
    private final ScheduledExecutorService jobs;
    private final RedactionQueue redaction;
    private final AgentActivity activity;
    private final Duration redactionDrain;

    private Server(Database db, Javalin app, Metrics metrics, ScheduledExecutorService jobs, RedactionQueue redaction,
                   AgentActivity activity, Duration redactionDrain) {
        this.db = db;
        this.app = app;
        this.metrics = metrics;
        this.jobs = jobs;
        this.redaction = redaction;
        this.activity = activity;
        this.redactionDrain = redactionDrain;
    }

    public static Server start(Config config) {
        Thread warm = HttpApp.warmUpInBackground();
        Database db = Database.open(config);
        if (config.migrate()) {
            db.migrate();
        }
        if (!config.readerPassword().isEmpty()) {
            new PrivacyAdmin(db.jdbi()).setReaderPassword(config.readerPassword());
        }
        ObjectMapper json = Json.mapper();
        try {
            warm.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Metrics metrics = new Metrics();
        Duration retention = Duration.ofDays(config.retentionDays());
        var pool = db.dataSource();
        metrics.describe("brain_db_pool_connections", "Database pool connections by state");
        metrics.gauge("brain_db_pool_connections", () -> pool.getHikariPoolMXBean().getActiveConnections(), "state", "active");
        metrics.gauge("brain_db_pool_connections", () -> pool.getHikariPoolMXBean().getIdleConnections(), "state", "idle");
        metrics.gauge("brain_db_pool_connections", () -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection(), "state", "waiting");
        metrics.gauge("brain_db_pool_connections", pool::getMaximumPoolSize, "state", "max");

        Redactor redactor = Redactors.from(config, json);
        LOG.info("redaction: {}", redactor.usesModel() ? "model " + config.redactionModel() + " then local scrubber" : "local scrubber only (no ANTHROPIC_API_KEY)");
        var redaction = new RedactionQueue(redactor, new SummaryStore(db.jdbi()), metrics, config.redactionConcurrency(),
                config.redactionQueueSize(), config.redactionQueuePerCustomer());
        var activity = new AgentActivity(db.jdbi());
        var ingest = new IngestService(json, new EventValidator(json, Clock.systemUTC(), retention), new EventStore(db.jdbi(), db.dataSource()),
                activity, redaction, metrics);
        boolean migrated = config.migrate();
        var readiness = new Readiness(db.dataSource(), () -> migrated || db.pendingMigrations().isEmpty());
        Javalin app = HttpApp.create(new HttpApp.Deps(json, new Authenticator(db.jdbi(), config.keyCacheTtl(),
                new AuthFailureLimiter(config.authFailureRatePerSecond(), config.authFailureBurst()), metrics),
                new RateLimiter(config.rateLimitPerSecond(), config.rateLimitBurst()), ingest, metrics, readiness,
                new AdminAuth(config.adminTokens()), new RawSummaries(db.jdbi()), config.shutdownGrace().toMillis(),
                analyticsRoutes(db, config), HttpApp.IngestLimits.of(config)));
        app.start(config.host(), config.port());

        ScheduledExecutorService jobs = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "brain-jobs");
            t.setDaemon(true);
            return t;
        });
        var maintenance = new PartitionMaintenance(db.jdbi(), Clock.systemUTC(), retention, config.partitionMonthsAhead());
        long every = config.maintenanceInterval().toSeconds();
        // The first runs wait a moment so they do not compete with start-up for the two cores; until then
        // events land in the default partition (moved later) and analytics answer from the last fold.
        jobs.scheduleWithFixedDelay(maintenance, JOBS_START_DELAY_MS, every * 1000, TimeUnit.MILLISECONDS);
        jobs.scheduleWithFixedDelay(new RollupJob(db.jdbi(), metrics), JOBS_START_DELAY_MS, config.rollupInterval().toMillis(), TimeUnit.MILLISECONDS);
        return new Server(db, app, metrics, jobs, redaction, activity, config.redactionDrain());
    }

    private static Consumer<RoutesConfig> analyticsRoutes(Database db, Config config) {
        var api = new AnalyticsApi(new Analytics(db.jdbi()), config.adminTokens());
        var dashboard = new Dashboard();
        return routes -> {
            api.routes(routes);
            dashboard.routes(routes);
        };
    }

    public int port() {
        return app.port();
    }

    public Database db() {
        return db;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** Stops taking work, lets in-flight requests finish (bounded by the shutdown grace), closes the pool. */
    @Override
    public void close() {
        jobs.shutdownNow();
        try {
            app.stop();
        } catch (RuntimeException e) {
            LOG.info("HTTP connections still open after the shutdown grace period were closed");
        }
        activity.close();
        redaction.close(redactionDrain);
        db.close();
    }
}
