package dev.brain.admin;

import dev.brain.error.UsageError;
import dev.brain.analytics.CategoryAliases;
import dev.brain.auth.ApiKeys;
import dev.brain.auth.KeyDao;
import dev.brain.privacy.PrivacyAdmin;
import dev.brain.redact.Redactor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
              brain admin key create --agent <agent-id> [--label <text>]   (prints the key, once)
              brain admin key revoke --id <key-id>
              brain admin key list [--agent <agent-id>]
              brain admin customer tier-c --id <id> --enabled true|false   (off removes stored raw summaries)
              brain admin redact --retry-failed [--customer <id>]          (tier c with the switch on)
              brain admin audit list [--customer <id>] [--limit <n>]
              brain admin reader set-password --password <password>      (the read-only brain_reader role)
              brain admin category alias --from <raw category> --to <canonical category>
              brain admin category unalias --from <raw category>
              brain admin category list""";

    private final Jdbi jdbi;
    private final Supplier<Redactor> redactor;
    private final PrintStream out;
    private final PrintStream err;

    public AdminCli(Jdbi jdbi, Supplier<Redactor> redactor, PrintStream out, PrintStream err) {
        this.jdbi = jdbi;
        this.redactor = redactor;
        this.out = out;
        this.err = err;
    }

    /** args[0] is "admin". Throws UsageError on bad arguments. */
    public int run(String[] args) {
        if (args.length < 3) {
            throw new UsageError("admin needs a subject and a verb");
        }
        String command = args[1] + " " + args[2];
        return switch (command) {
            case "customer add" -> customerAdd(new Args(args, 3, Set.of("id", "name", "tier")));
            case "customer set-tier" -> setTier(new Args(args, 3, Set.of("id", "tier")));
            case "customer list" -> customerList(new Args(args, 3, Set.of()));
            case "agent add" -> agentAdd(new Args(args, 3, Set.of("id", "customer", "kind")));
            case "agent list" -> agentList(new Args(args, 3, Set.of("customer")));
            case "key create" -> keyCreate(new Args(args, 3, Set.of("agent", "label")));
            case "key revoke" -> keyRevoke(new Args(args, 3, Set.of("id")));
            case "key list" -> keyList(new Args(args, 3, Set.of("agent")));
            case "customer tier-c" -> tierC(new Args(args, 3, Set.of("id", "enabled")));
            case "redact --retry-failed" -> retryFailed(new Args(args, 3, Set.of("customer")));
            case "audit list" -> auditList(new Args(args, 3, Set.of("customer", "limit")));
            case "reader set-password" -> readerPassword(new Args(args, 3, Set.of("password")));
            case "category alias" -> categoryAlias(new Args(args, 3, Set.of("from", "to")));
            case "category unalias" -> categories().unalias(new Args(args, 3, Set.of("from")).required("from"));
            case "category list" -> categoryList(new Args(args, 3, Set.of()));
            case "demo ensure" -> demo(new Args(args, 3, Set.of("key-file")));
            default -> throw new UsageError("unknown command 'admin " + command + "'");
        };
    }

    private int customerAdd(Args a) {
        String id = a.id("id");
        String name = a.required("name");
        String tier = a.tier();
        if (tenants().addCustomer(id, name, tier) == 0) {
            err.println("customer " + id + " already exists");
            return 1;
        }
        err.println("customer " + id + " added (tier " + tier + ")");
        return 0;
    }

    private int setTier(Args a) {
        String id = a.id("id");
        String tier = a.tier();
        if (privacy().setTier(id, tier) == 0) {
            err.println("no customer " + id);
            return 1;
        }
        err.println("customer " + id + " is now tier " + tier);
        return 0;
    }

    private int tierC(Args a) {
        String id = a.id("id");
        String enabled = a.required("enabled");
        if (!enabled.equals("true") && !enabled.equals("false")) {
            throw new UsageError("--enabled must be true or false");
        }
        if (privacy().setTierC(id, enabled.equals("true")) == 0) {
            err.println("no customer " + id);
            return 1;
        }
        err.println("Tier-C switch for " + id + " is " + (enabled.equals("true") ? "on (effective while the tier is c)"
                : "off; stored raw summaries were removed"));
        return 0;
    }

    private int retryFailed(Args a) {
        String customer = a.optional("customer");
        int[] r = privacy().retryFailed(redactor.get(), customer);
        err.println("retried " + (r[0] + r[1]) + " tier-c summaries: " + r[0] + " redacted, " + r[1] + " still failed");
        return r[1] == 0 ? 0 : 1;
    }

    private int auditList(Args a) {
        int limit;
        try {
            limit = Integer.parseInt(a.optional("limit") == null ? "100" : a.optional("limit"));
        } catch (NumberFormatException e) {
            throw new UsageError("--limit must be a number");
        }
        var rows = privacy().audit(a.optional("customer"), limit);
        out.println("id\tat\tactor\taction\tcustomer_id\tevents\tdetail");
        rows.forEach(r -> out.println(r.id() + "\t" + r.at() + "\t" + r.actor() + "\t"
                + r.action() + "\t" + nz(r.customerId()) + "\t" + r.events() + "\t" + nz(r.detail())));
        return 0;
    }

    private int readerPassword(Args a) {
        String password = a.required("password");
        if (password.length() < 8) {
            throw new UsageError("--password must be at least 8 characters");
        }
        privacy().setReaderPassword(password);
        err.println("brain_reader can now log in with that password");
        return 0;
    }

    private PrivacyAdmin privacy() {
        return new PrivacyAdmin(jdbi);
    }

    private int customerList(Args a) {
        var customers = tenants().customers();
        out.println("id\tname\ttier\tcreated_at");
        customers.forEach(c -> out.println(c.id() + "\t" + c.name() + "\t" + c.privacyTier() + "\t" + c.createdAt()));
        return 0;
    }

    private int agentAdd(Args a) {
        String id = a.id("id");
        String customer = a.id("customer");
        TenantDao dao = tenants();
        if (!dao.customerExists(customer)) {
            err.println("no customer " + customer);
            return 1;
        }
        if (dao.addAgent(id, customer, a.optional("kind")) == 0) {
            err.println("agent " + id + " already exists");
            return 1;
        }
        err.println("agent " + id + " added to " + customer);
        return 0;
    }

    private int agentList(Args a) {
        var agents = tenants().agents(a.optional("customer"));
        out.println("id\tcustomer_id\tkind\tversion\tlast_seen_at");
        agents.forEach(g -> out.println(
                g.id() + "\t" + g.customerId() + "\t" + nz(g.kind()) + "\t" + nz(g.version()) + "\t" + nz(g.lastSeenAt())));
        return 0;
    }

    private int keyCreate(Args a) {
        String agent = a.id("agent");
        if (!tenants().agentExists(agent)) {
            err.println("no agent " + agent);
            return 1;
        }
        String secret = ApiKeys.newSecret();
        String keyId = ApiKeys.newKeyId();
        jdbi.useExtension(KeyDao.class, dao -> dao.insert(keyId, agent, ApiKeys.hash(secret), a.optional("label")));
        err.println("key " + keyId + " created for " + agent + "; it is shown once, store it now");
        out.println(secret);
        return 0;
    }

    private int keyRevoke(Args a) {
        String id = a.id("id");
        if (jdbi.withExtension(KeyDao.class, dao -> dao.revoke(id)) == 0) {
            err.println("no active key " + id);
            return 1;
        }
        err.println("key " + id + " revoked");
        return 0;
    }

    private int keyList(Args a) {
        var keys = jdbi.withExtension(KeyDao.class, dao -> dao.list(a.optional("agent")));
        out.println("id\tagent_id\tcustomer_id\tlabel\tcreated_at\trevoked_at");
        keys.forEach(k -> out.println(
                k.id() + "\t" + k.agentId() + "\t" + k.customerId() + "\t" + nz(k.label()) + "\t" + k.createdAt() + "\t" + nz(k.revokedAt())));
        return 0;
    }

    /** For `make run`: a demo customer, agent and key, created once; the key is kept in a local file. */
    private int demo(Args a) {
        Path keyFile = Path.of(a.required("key-file"));
        TenantDao dao = tenants();
        dao.addCustomer("cust_demo", "Demo customer", "b");
        dao.addAgent("agent_demo", "cust_demo", "demo");
        try {
            if (Files.isRegularFile(keyFile)) {
                String existing = Files.readString(keyFile, StandardCharsets.UTF_8).trim();
                if (jdbi.withExtension(KeyDao.class, k -> k.findActive(ApiKeys.hash(existing))).isPresent()) {
                    out.println(existing);
                    return 0;
                }
            }
            String secret = ApiKeys.newSecret();
            jdbi.useExtension(KeyDao.class, k -> k.insert(ApiKeys.newKeyId(), "agent_demo", ApiKeys.hash(secret), "demo"));
            Files.createDirectories(keyFile.toAbsolutePath().getParent());
            Files.writeString(keyFile, secret + "\n", StandardCharsets.UTF_8);
            out.println(secret);
            return 0;
        } catch (IOException e) {
            err.println("cannot use " + keyFile + ": " + e.getMessage());
            return 1;
        }
    }

    private int categoryAlias(Args a) {
        return categories().alias(a.required("from"), a.required("to"));
    }

    private int categoryList(Args a) {
        return categories().list();
    }

    private CategoryAliases categories() {
        return new CategoryAliases(jdbi, out, err);
    }

    private TenantDao tenants() {
        return jdbi.onDemand(TenantDao.class);
    }

    private static String nz(Object o) {
        return o == null ? "" : o.toString();
    }
}
