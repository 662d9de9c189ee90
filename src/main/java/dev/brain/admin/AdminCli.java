package dev.brain.admin;

import dev.brain.alerts.AlertStore;
import dev.brain.analytics.CategoryAliases;
import dev.brain.auth.CustomerTokenDao;
import dev.brain.auth.KeyDao;
import dev.brain.auth.TenantDao;
import dev.brain.customer.Contracts;
import dev.brain.customer.Usage;
import dev.brain.error.UsageError;
import dev.brain.privacy.PrivacyAdmin;
import dev.brain.privacy.ReaderRole;
import dev.brain.redact.Redactor;
import dev.brain.redact.SummaryStore;
import dev.brain.http.Json;
import dev.brain.report.WeeklyDigest;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/** `brain admin ...`: results on stdout, everything else on stderr. Returns the exit code. */
public final class AdminCli {
    public static final String USAGE = """
            usage:
              brain admin customer add --id <id> --name <name> --tier a|b|c
              brain admin customer set-tier --id <id> --tier a|b|c
              brain admin customer list
              brain admin agent add --id <id> --customer <customer-id> [--kind <kind>]
              brain admin agent list [--customer <customer-id>]
              brain admin key create --agent <agent-id> [--label <text>] [--require-signature]
                                   (prints the key, once; with --require-signature a second line: the signing secret)
              brain admin key revoke --id <key-id>
              brain admin key list [--agent <agent-id>]
              brain admin customer tier-c --id <id> --enabled true|false   (off removes stored raw summaries)
              brain admin redact --retry-failed [--customer <id>]          (tier c with the switch on)
              brain admin audit list [--customer <id>] [--limit <n>]
              brain admin reader set-password --password <password>      (the read-only brain_reader role)
              brain admin category alias --from <raw category> --to <canonical category>
              brain admin category unalias --from <raw category>
              brain admin category list
              brain admin customer budget --id <id> --daily-cents <n>     (spend above it fires spend_anomaly)
              brain admin customer contract --id <id> --monthly-cents <n>  (the contract value, for margin)
              brain admin alert list [--state firing|resolved|all] [--customer <id>] [--limit <n>]
              brain admin usage --month YYYY-MM [--customer <id>] [--format tsv|csv]   (usage for billing)
              brain admin token create --customer <id> [--label <text>]   (a read token for that customer only; printed once)
              brain admin token revoke --id <token-id>
              brain admin token list [--customer <id>]                    (with last use)
              brain report weekly [--customer <id>] [--format md|html]    (the weekly digest on stdout)
              brain demo [--days 30] [--url http://127.0.0.1:8080] [--force true]   (demo customers through the public API)""";

    private final CustomerCommands customers;
    private final AgentCommands agents;
    private final KeyCommands keys;
    private final PrivacyCommands privacy;
    private final ReaderCommands reader;
    private final CategoryCommands categories;
    private final DemoCommands demo;
    private final AlertCommands alerts;
    private final UsageCommands usage;
    private final TokenCommands tokens;
    private final ReportCommands reports;
    private final DemoTraffic demoTraffic;

    AdminCli(CustomerCommands customers, AgentCommands agents, KeyCommands keys, PrivacyCommands privacy, ReaderCommands reader,
            CategoryCommands categories, DemoCommands demo, AlertCommands alerts, UsageCommands usage, TokenCommands tokens,
            ReportCommands reports, DemoTraffic demoTraffic) {
        this.customers = customers;
        this.agents = agents;
        this.keys = keys;
        this.privacy = privacy;
        this.reader = reader;
        this.categories = categories;
        this.demo = demo;
        this.alerts = alerts;
        this.usage = usage;
        this.tokens = tokens;
        this.reports = reports;
        this.demoTraffic = demoTraffic;
    }

    /** The CLI's wiring: each subject's service, built once from the database; the redactor only when a command needs it. */
    public static AdminCli from(Jdbi jdbi, Supplier<Redactor> redactor, PrintStream out, PrintStream err) {
        TenantDao tenants = jdbi.onDemand(TenantDao.class);
        KeyDao keyDao = jdbi.onDemand(KeyDao.class);
        PrivacyAdmin privacyAdmin = new PrivacyAdmin(jdbi, new SummaryStore(jdbi));
        return new AdminCli(
                new CustomerCommands(tenants, privacyAdmin, new ContractCommand(new Contracts(jdbi), err), out, err),
                new AgentCommands(tenants, out, err),
                new KeyCommands(tenants, keyDao, out, err),
                new PrivacyCommands(privacyAdmin, redactor, out, err),
                new ReaderCommands(new ReaderRole(jdbi), err),
                new CategoryCommands(new CategoryAliases(jdbi), out, err),
                new DemoCommands(tenants, keyDao, out, err),
                new AlertCommands(new AlertStore(jdbi, Json.mapper(), Clock.systemUTC()), out, err),
                new UsageCommands(new Usage(jdbi), out, err),
                new TokenCommands(tenants, jdbi.onDemand(CustomerTokenDao.class), out, err),
                new ReportCommands(tenants, new WeeklyDigest(jdbi), Clock.systemUTC(), out, err),
                new DemoTraffic(tenants, keyDao, jdbi.onDemand(CustomerTokenDao.class), Clock.systemUTC(), out, err));
    }

    /** args[0] is "admin". Throws UsageError on bad arguments. */
    public int run(String[] args) {
        if (args.length < 3) {
            throw new UsageError("admin needs a subject and a verb");
        }
        String command = args[1] + " " + args[2];
        return switch (command) {
            case "customer add" -> customers.add(new Args(args, 3, Set.of("id", "name", "tier")));
            case "customer set-tier" -> customers.setTier(new Args(args, 3, Set.of("id", "tier")));
            case "customer list" -> customers.list(new Args(args, 3, Set.of()));
            case "agent add" -> agents.add(new Args(args, 3, Set.of("id", "customer", "kind")));
            case "agent list" -> agents.list(new Args(args, 3, Set.of("customer")));
            case "key create" -> keys.create(new Args(args, 3, Set.of("agent", "label"), Set.of("require-signature")));
            case "key revoke" -> keys.revoke(new Args(args, 3, Set.of("id")));
            case "key list" -> keys.list(new Args(args, 3, Set.of("agent")));
            case "customer tier-c" -> privacy.tierC(new Args(args, 3, Set.of("id", "enabled")));
            case "redact --retry-failed" -> privacy.retryFailed(new Args(args, 3, Set.of("customer")));
            case "audit list" -> privacy.auditList(new Args(args, 3, Set.of("customer", "limit")));
            case "reader set-password" -> reader.setPassword(new Args(args, 3, Set.of("password")));
            case "category alias" -> categories.alias(new Args(args, 3, Set.of("from", "to")));
            case "category unalias" -> categories.unalias(new Args(args, 3, Set.of("from")));
            case "category list" -> categories.list(new Args(args, 3, Set.of()));
            case "customer budget" -> alerts.budget(new Args(args, 3, Set.of("id", "daily-cents")));
            case "alert list" -> alerts.list(new Args(args, 3, Set.of("state", "customer", "limit")));
            case "customer contract" -> customers.contract(new Args(args, 3, Set.of("id", "monthly-cents")));
            case "usage --month" -> usage.print(new Args(args, 2, Set.of("month", "customer", "format")));
            case "demo ensure" -> demo.ensure(new Args(args, 3, Set.of("key-file")));
            case "token create" -> tokens.create(new Args(args, 3, Set.of("customer", "label")));
            case "token revoke" -> tokens.revoke(new Args(args, 3, Set.of("id")));
            case "token list" -> tokens.list(new Args(args, 3, Set.of("customer")));
            case "report weekly" -> reports.weekly(new Args(args, 3, Set.of("customer", "format")));
            case "demo traffic" -> demoTraffic.run(new Args(args, 3, Set.of("days", "url", "force")));
            default -> throw new UsageError("unknown command 'admin " + command + "'");
        };
    }
}
