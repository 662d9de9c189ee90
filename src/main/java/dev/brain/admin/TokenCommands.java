package dev.brain.admin;

import dev.brain.auth.CustomerTokenDao;
import dev.brain.auth.TenantDao;
import java.io.PrintStream;

/** `brain admin token create|revoke|list`: customer read tokens; the secret goes to stdout once, everything else to stderr. */
record TokenCommands(TenantDao tenants, CustomerTokenDao tokens, PrintStream out, PrintStream err) {

    int create(Args a) {
        String customer = a.id("customer");
        if (!tenants.customerExists(customer)) {
            err.println("no customer " + customer);
            return 1;
        }
        CustomerTokenDao.IssuedToken token = tokens.issue(customer, a.optional("label"));
        err.println("read token " + token.id() + " created for " + customer
                + " (its analytics and dashboard only); it is shown once, store it now");
        out.println(token.secret());
        return 0;
    }

    int revoke(Args a) {
        String id = a.id("id");
        if (tokens.revoke(id) == 0) {
            err.println("no active token " + id);
            return 1;
        }
        err.println("token " + id + " revoked");
        return 0;
    }

    int list(Args a) {
        String customer = a.optional("customer");
        out.println("id\tcustomer_id\tlabel\tcreated_at\tlast_used_at\trevoked_at");
        tokens.list(customer).forEach(t -> out.println(Tsv.row(t.id(), t.customerId(), t.label(), t.createdAt(), t.lastUsedAt(),
                t.revokedAt())));
        return 0;
    }
}
