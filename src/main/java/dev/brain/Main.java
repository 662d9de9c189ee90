package dev.brain;

import dev.brain.admin.AdminCli;
import dev.brain.error.ArchiveFailed;
import dev.brain.error.UsageError;
import dev.brain.config.Config;
import dev.brain.error.InvalidConfig;
import dev.brain.db.Archive;
import dev.brain.db.ArchiveRestore;
import dev.brain.db.Database;
import dev.brain.admin.ArchiveCommands;
import dev.brain.db.DbErrors;
import dev.brain.http.Json;
import dev.brain.redact.Redactors;
import dev.brain.db.PartitionMaintenance;
import dev.brain.log.Logging;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root and the command line: `brain [serve|migrate|admin ...]`. */
public final class Main {
    private static final String USAGE = """
            usage: java -jar brain.jar [command]
              serve      apply pending migrations (unless BRAIN_MIGRATE=false) and serve HTTP (the default)
              migrate    apply pending migrations, create partitions, exit
              admin ...  manage customers, agents and keys (java -jar brain.jar admin help)
              report weekly [--customer C] [--format md|html]   the weekly digest on stdout
              demo [--days 30] [--url U] [--force true]          demo customers through a running brain's public API
              archive list                      the months in BRAIN_ARCHIVE_DIR, each checked against its manifest
              archive restore --month YYYY-MM   bring a month back into schema brain_archive for an audit
              cds-training  load the serving classes without a database (make build uses it for the CDS archive)
            """ + AdminCli.USAGE;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        String command = args.length == 0 ? "serve" : args[0];
        if (!command.equals("serve")) {
            Logging.forCommandLine();
        }
        Config config;
        try {
            config = Config.fromEnv();
        } catch (InvalidConfig e) {
            System.err.println("brain: " + e.getMessage());
            return 2;
        }
        try {
            return switch (command) {
                case "serve" -> args.length == 1 || args.length == 0 ? serve(config) : usage("serve takes no arguments");
                case "migrate" -> migrate(config);
                case "admin" -> admin(config, args);
                case "report" -> admin(config, asAdmin(args));
                case "demo" -> admin(config, demoArgs(config, args));
                case "archive" -> archive(config, args);
                case "cds-training" -> ClassDataTraining.run();
                case "help", "--help", "-h" -> {
                    System.out.println(USAGE);
                    yield 0;
                }
                default -> usage("unknown command '" + command + "'");
            };
        } catch (UsageError e) {
            return usage(e.getMessage());
        } catch (ArchiveFailed | InvalidConfig e) {
            System.err.println("brain: " + e.getMessage());
            return 1;
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
                    config.partitionMonthsAhead(), config.archiveDir().isEmpty() ? null : Archive.at(config.archiveDir())).runOnce();
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
            return AdminCli.from(db.jdbi(), () -> Redactors.from(config, Json.mapper()), System.out, System.err).run(args);
        }
    }

    /** `brain report weekly ...` is `brain admin report weekly ...`. */
    private static String[] asAdmin(String[] args) {
        String[] full = new String[args.length + 1];
        full[0] = "admin";
        System.arraycopy(args, 0, full, 1, args.length);
        return full;
    }

    /** `brain demo [--days N] ...` is `brain admin demo traffic ...`, sent to this machine's brain unless --url says otherwise. */
    private static String[] demoArgs(Config config, String[] args) {
        var full = new java.util.ArrayList<>(java.util.List.of("admin", "demo", "traffic"));
        full.addAll(java.util.List.of(args).subList(1, args.length));
        if (!full.contains("--url")) {
            full.addAll(java.util.List.of("--url", "http://127.0.0.1:" + config.port()));
        }
        return full.toArray(String[]::new);
    }

    private static int archive(Config config, String[] args) {
        if (config.archiveDir().isEmpty()) {
            throw new UsageError("archive needs BRAIN_ARCHIVE_DIR, the directory retention archives to");
        }
        Archive archive = Archive.at(config.archiveDir());
        if (args.length == 2 && args[1].equals("list")) {
            return ArchiveCommands.list(archive, System.out);
        }
        if (args.length == 4 && args[1].equals("restore") && args[2].equals("--month")) {
            try (Database db = Database.open(config, 2)) {
                return ArchiveCommands.restore(new ArchiveRestore(archive, db.jdbi()), args[3], System.out);
            }
        }
        throw new UsageError("usage: brain archive list | brain archive restore --month YYYY-MM");
    }

    private static int serve(Config config) {
        Logger log = LoggerFactory.getLogger(Main.class);
        long t0 = System.nanoTime();
        Server server = Server.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutting down");
            server.close();
        }, "brain-shutdown"));
        log.info("brain listening on http://{}:{} ({} ms)", config.host(), server.port(), (System.nanoTime() - t0) / 1_000_000);
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
