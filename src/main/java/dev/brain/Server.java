package dev.brain;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.alerts.AlertRoutes;
import dev.brain.alerts.Alerts;
import dev.brain.analytics.Analytics;
import dev.brain.analytics.AnalyticsRoutes;
import dev.brain.analytics.DashboardRoutes;
import dev.brain.analytics.RollupJob;
import dev.brain.auth.AuthFailureLimiter;
import dev.brain.auth.Authenticator;
import dev.brain.auth.CustomerTokens;
import dev.brain.collector.CollectorRoutes;
import dev.brain.config.Config;
import dev.brain.customer.CustomerReport;
import dev.brain.customer.CustomerRoutes;
import dev.brain.customer.CustomerSnapshots;
import dev.brain.customer.Usage;
import dev.brain.customer.UsageRoutes;
import dev.brain.db.Archive;
import dev.brain.db.Database;
import dev.brain.db.PartitionMaintenance;
import dev.brain.db.Reads;
import dev.brain.http.AdminAuth;
import dev.brain.http.HealthRoutes;
import dev.brain.http.HttpApp;
import dev.brain.http.Json;
import dev.brain.http.Readiness;
import dev.brain.http.Routes;
import dev.brain.ingest.AgentActivity;
import dev.brain.ingest.EventStore;
import dev.brain.ingest.EventValidator;
import dev.brain.ingest.IngestGate;
import dev.brain.ingest.IngestLimits;
import dev.brain.ingest.IngestRoutes;
import dev.brain.ingest.IngestService;
import dev.brain.ingest.JsonEvents;
import dev.brain.ingest.RateLimiter;
import dev.brain.metrics.Metrics;
import dev.brain.pricing.Prices;
import dev.brain.otlp.OtlpHousekeeping;
import dev.brain.otlp.OtlpReceiver;
import dev.brain.otlp.OtlpRoutes;
import dev.brain.otlp.UsageStore;
import dev.brain.privacy.RawSummaries;
import dev.brain.privacy.RawSummaryRoutes;
import dev.brain.privacy.ReaderRole;
import dev.brain.redact.RedactionQueue;
import dev.brain.redact.Redactor;
import dev.brain.redact.Redactors;
import dev.brain.redact.SummaryStore;
import dev.brain.report.ReportRoutes;
import dev.brain.report.ReportSinks;
import dev.brain.report.WeeklyDigest;
import dev.brain.report.WeeklyReportJob;
import dev.brain.schedule.Scheduler;
import dev.brain.sessions.SessionCloser;
import dev.brain.sessions.Sessionizer;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: {@link #start} builds the whole running brain from a Config (database, stores,
 * services, routes, jobs) and starts it. `serve`, the class-data training run and the tests all use it.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);
    // The first job runs wait a moment so they do not compete with start-up for the two cores; until then events
    // land in the default partition (moved later) and analytics answer from the last fold.
    private static final Duration JOBS_START_DELAY = Duration.ofMillis(1500);
    // How often an instance asks whether this week's digest is due: a Monday at BRAIN_REPORT_HOUR_UTC is late by at most this.
    private static final Duration REPORT_CHECK_INTERVAL = Duration.ofMinutes(5);
    private final Database db;
    private final Reads reads;
    private final Metrics metrics;
    private final Javalin app;
    private final Scheduler scheduler;
    private final AgentActivity activity;
    private final RedactionQueue redaction;
    private final Duration redactionDrain;
    private final Alerts alerts;

    private Server(Database db, Reads reads, Metrics metrics, Javalin app, Scheduler scheduler, AgentActivity activity,
                   RedactionQueue redaction, Duration redactionDrain, Alerts alerts) {
        this.db = db;
        this.reads = reads;
        this.metrics = metrics;
        this.app = app;
        this.scheduler = scheduler;
        this.activity = activity;
        this.redaction = redaction;
        this.redactionDrain = redactionDrain;
        this.alerts = alerts;
    }

    public static Server start(Config config) {
        Thread warm = HttpApp.warmUpInBackground();
        // A wrong BRAIN_PRICES_FILE stops start-up here, before anything listens or prices a call with it.
        Prices prices = Prices.load(config.pricesFile());
        Database db = Database.open(config);
        if (config.migrate()) {
            db.migrate();
        }
        if (!config.readerPassword().isEmpty()) {
            new ReaderRole(db.jdbi()).setPassword(config.readerPassword());
        }
        ObjectMapper json = Json.mapper();
        join(warm);
        Metrics metrics = new Metrics();
        db.describePool(metrics);
        // THE read seam: every read-only path (analytics, dashboard, reports, exports) takes read.jdbi(): the
        // replica's pool when BRAIN_READ_DATABASE_URL is set, else the primary's. Writes and admin take db.jdbi().
        Reads read = Reads.open(config, db, metrics);

        Redactor redactor = Redactors.from(config, json);
        LOG.info("redaction: {}", redactor.usesModel() ? "model " + config.redactionModel() + " then local scrubber"
                : "local scrubber only (no ANTHROPIC_API_KEY)");
        var redaction = new RedactionQueue(redactor, new SummaryStore(db.jdbi()), metrics, config.redactionConcurrency(),
                config.redactionQueueSize(), config.redactionQueuePerCustomer());
        var activity = new AgentActivity(db.jdbi());
        var admin = new AdminAuth(config.adminTokens(), new CustomerTokens(db.jdbi(), config.keyCacheTtl()));
        Duration retention = Duration.ofDays(config.retentionDays());
        Archive archive = config.archiveDir().isEmpty() ? null : Archive.at(config.archiveDir());

        var alerts = Alerts.start(db.jdbi(), config.alerting(), json, metrics, Clock.systemUTC());
        var gate = new IngestGate(new Authenticator(db.jdbi(), config.keyCacheTtl(),
                new AuthFailureLimiter(config.authFailureRatePerSecond(), config.authFailureBurst()), metrics),
                new RateLimiter(config.rateLimitPerSecond(), config.rateLimitBurst()), IngestLimits.of(config), metrics);
        var validator = new EventValidator(json, Clock.systemUTC(), retention);
        var sessionizer = new Sessionizer(db.jdbi(), json, metrics);
        var ingest = new IngestService(json, new EventStore(db.jdbi(), db.dataSource(), metrics), activity, redaction, metrics, prices, sessionizer);
        boolean migrated = config.migrate();
        var readiness = new Readiness(db.dataSource(), () -> migrated || db.pendingMigrations().isEmpty());
        List<Routes> routes = List.of(
                new HealthRoutes(readiness, metrics),
                new IngestRoutes(gate, new JsonEvents(json, validator), ingest),
                new OtlpRoutes(gate, new OtlpReceiver(ingest, validator, sessionizer, new UsageStore(db.jdbi()), Clock.systemUTC(),
                        retention, json, metrics), json),
                new CollectorRoutes(json, gate, ingest, validator, db.jdbi(), readiness),
                new AnalyticsRoutes(new Analytics(read.jdbi(), config.sloModelP90Ms()), admin, config.kAnonymity()),
                new DashboardRoutes(),
                new RawSummaryRoutes(new RawSummaries(db.jdbi()), admin),
                new AlertRoutes(alerts.store(), config.alerting(), admin, json),
                new CustomerRoutes(new CustomerReport(read.jdbi(), prices), admin, new Analytics(read.jdbi())::freshAsOf),
                new UsageRoutes(new Usage(read.jdbi()), admin, config.billingCloseDays()),
                new ReportRoutes(new WeeklyDigest(read.jdbi()), admin, new Analytics(read.jdbi())::customerExists, Clock.systemUTC()));
        Javalin app = HttpApp.create(json, metrics, config.shutdownGrace().toMillis(), routes);
        app.start(config.host(), config.port());

        var scheduler = new Scheduler(db.jdbi(), metrics);
        scheduler.every(new PartitionMaintenance(db.jdbi(), Clock.systemUTC(), retention, config.partitionMonthsAhead(), archive),
                config.maintenanceInterval(), JOBS_START_DELAY);
        scheduler.every(new RollupJob(db.jdbi(), metrics), config.rollupInterval(), JOBS_START_DELAY);
        // The first evaluation waits a whole interval: at start-up the rollups may be behind.
        scheduler.every(alerts.engine(), config.alerting().interval(), config.alerting().interval());
        scheduler.every(new CustomerSnapshots(db.jdbi(), config.billingCloseDays()), config.rollupInterval(), JOBS_START_DELAY);
        var reportSinks = new ReportSinks(config.reportSlackWebhookUrl(), config.reportDir(), json);
        if (reportSinks.any()) {
            scheduler.every(new WeeklyReportJob(new WeeklyDigest(db.jdbi()), reportSinks, Clock.systemUTC(), config.reportHourUtc()),
                    REPORT_CHECK_INTERVAL, JOBS_START_DELAY);
        }
        scheduler.every(new SessionCloser(db.jdbi(), config.sessionIdle(), metrics), config.sessionCloseInterval(), JOBS_START_DELAY);
        scheduler.every(new OtlpHousekeeping(), config.maintenanceInterval(), JOBS_START_DELAY);
        return new Server(db, read, metrics, app, scheduler, activity, redaction, config.redactionDrain(), alerts);
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        scheduler.close();
        alerts.close();
        try {
            app.stop();
        } catch (RuntimeException e) {
            LOG.info("HTTP connections still open after the shutdown grace period were closed");
        }
        activity.close();
        redaction.close(redactionDrain);
        reads.close();
        db.close();
    }
}
