package dev.brain;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.admin.AdminCli;
import dev.brain.admin.UsageException;
import dev.brain.auth.Authenticator;
import dev.brain.config.Config;
import dev.brain.config.ConfigException;
import dev.brain.db.Database;
import dev.brain.db.DbErrors;
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
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root and the command line: `brain [serve|migrate|admin ...]`. */
public final class Main {
    private static final String USAGE = """
            usage: java -jar brain.jar [command]
              serve      apply pending migrations (unless BRAIN_MIGRATE=false) and serve HTTP (the default)
              migrate    apply pending migrations, create partitions, exit
              admin ...  manage customers, agents and keys (java -jar brain.jar admin help)
            """ + AdminCli.USAGE;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        String command = args.length == 0 ? "serve" : args[0];
        Config config;
        try {
            config = Config.fromEnv();
        } catch (ConfigException e) {
            System.err.println("brain: " + e.getMessage());
            return 2;
        }
        try {
            return switch (command) {
                case "serve" -> args.length == 1 || args.length == 0 ? serve(config) : usage("serve takes no arguments");
                case "migrate" -> migrate(config);
                case "admin" -> admin(config, args);
                case "help", "--help", "-h" -> {
                    System.out.println(USAGE);
                    yield 0;
                }
                default -> usage("unknown command '" + command + "'");
            };
        } catch (UsageException e) {
            return usage(e.getMessage());
        } catch (RuntimeException e) {
            if (DbErrors.isUnavailable(e)) {
                System.err.println("brain: cannot reach the database at " + redacted(config.databaseUrl()) + " (" + rootMessage(e)
                        + "); set DATABASE_URL or run `make run` to start a local one");
                return 1;
            }
            throw e;
        }
    }

    private static int usage(String problem) {
        System.err.println("brain: " + problem);
        System.err.println(USAGE);
        return 2;
    }

    private static int migrate(Config config) {
        try (Database db = Database.open(config, 2)) {
            int ran = db.migrate();
            new PartitionMaintenance(db.jdbi(), Clock.systemUTC(), Duration.ofDays(config.retentionDays()),
                    config.partitionMonthsAhead()).runOnce();
            System.err.println("brain: " + ran + " migration(s) applied; schema is current");
            return 0;
        }
    }

    private static int admin(Config config, String[] args) {
        if (args.length < 2 || args[1].equals("help")) {
            System.err.println(AdminCli.USAGE);
            return args.length < 2 ? 2 : 0;
        }
        try (Database db = Database.open(config, 2)) {
            return new AdminCli(db.jdbi(), System.out, System.err).run(args);
        }
    }

    private static int serve(Config config) {
        Logger log = LoggerFactory.getLogger(Main.class);
        long t0 = System.nanoTime();
        Database db = Database.open(config);
        if (config.migrate()) {
            db.migrate();
        }
        ObjectMapper json = Json.mapper();
        Metrics metrics = new Metrics();
        Duration retention = Duration.ofDays(config.retentionDays());
        var pool = db.dataSource();
        metrics.describe("brain_db_pool_connections", "Database pool connections by state");
        metrics.gauge("brain_db_pool_connections", () -> pool.getHikariPoolMXBean().getActiveConnections(), "state", "active");
        metrics.gauge("brain_db_pool_connections", () -> pool.getHikariPoolMXBean().getIdleConnections(), "state", "idle");
        metrics.gauge("brain_db_pool_connections", () -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection(), "state", "waiting");
        metrics.gauge("brain_db_pool_connections", pool::getMaximumPoolSize, "state", "max");

        var ingest = new IngestService(json, new EventValidator(json, Clock.systemUTC(), retention), new EventStore(db.jdbi()),
                new AgentActivity(db.jdbi()), metrics);
        var readiness = new Readiness(db.jdbi(), () -> Database.flyway(pool).info().pending().length == 0);
        Javalin app = HttpApp.create(new HttpApp.Deps(json, new Authenticator(db.jdbi(), config.keyCacheTtl()),
                new RateLimiter(config.rateLimitPerSecond(), config.rateLimitBurst()), ingest, metrics, readiness,
                config.shutdownGrace().toMillis()));
        app.start(config.host(), config.port());

        ScheduledExecutorService jobs = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "brain-jobs");
            t.setDaemon(true);
            return t;
        });
        var maintenance = new PartitionMaintenance(db.jdbi(), Clock.systemUTC(), retention, config.partitionMonthsAhead());
        jobs.scheduleWithFixedDelay(maintenance, 0, config.maintenanceInterval().toSeconds(), TimeUnit.SECONDS);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutting down");
            jobs.shutdownNow();
            app.stop();
            db.close();
        }, "brain-shutdown"));
        log.info("brain listening on http://{}:{} ({} ms)", config.host(), app.port(), (System.nanoTime() - t0) / 1_000_000);
        return waitForever();
    }

    private static int waitForever() {
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static String redacted(String url) {
        return url.replaceAll("password=[^&]*", "password=***");
    }

    private static String rootMessage(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
