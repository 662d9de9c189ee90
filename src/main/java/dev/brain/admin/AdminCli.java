package dev.brain.admin;

import dev.brain.analytics.CategoryAliases;
import dev.brain.auth.KeyDao;
import dev.brain.auth.TenantDao;
import dev.brain.error.UsageError;
import dev.brain.privacy.PrivacyAdmin;
import dev.brain.privacy.ReaderRole;
import dev.brain.redact.Redactor;
import dev.brain.redact.SummaryStore;
import java.io.PrintStream;
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
              brain admin category list""";

    private final CustomerCommands customers;
    private final AgentCommands agents;
    private final KeyCommands keys;
    private final PrivacyCommands privacy;
    private final ReaderCommands reader;
    private final CategoryCommands categories;
    private final DemoCommands demo;

    AdminCli(CustomerCommands customers, AgentCommands agents, KeyCommands keys, PrivacyCommands privacy, ReaderCommands reader,
            CategoryCommands categories, DemoCommands demo) {
        this.customers = customers;
        this.agents = agents;
        this.keys = keys;
        this.privacy = privacy;
        this.reader = reader;
        this.categories = categories;
        this.demo = demo;
    }

    /** The CLI's wiring: each subject's service, built once from the database; the redactor only when a command needs it. */
    public static AdminCli from(Jdbi jdbi, Supplier<Redactor> redactor, PrintStream out, PrintStream err) {
        TenantDao tenants = jdbi.onDemand(TenantDao.class);
        KeyDao keyDao = jdbi.onDemand(KeyDao.class);
        PrivacyAdmin privacyAdmin = new PrivacyAdmin(jdbi, new SummaryStore(jdbi));
        return new AdminCli(
                new CustomerCommands(tenants, privacyAdmin, out, err),
                new AgentCommands(tenants, out, err),
                new KeyCommands(tenants, keyDao, out, err),
                new PrivacyCommands(privacyAdmin, redactor, out, err),
                new ReaderCommands(new ReaderRole(jdbi), err),
                new CategoryCommands(new CategoryAliases(jdbi), out, err),
                new DemoCommands(tenants, keyDao, out, err));
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
            case "demo ensure" -> demo.ensure(new Args(args, 3, Set.of("key-file")));
            default -> throw new UsageError("unknown command 'admin " + command + "'");
        };
    }
}
