package dev.brain.admin;

import dev.brain.auth.KeyDao;
import dev.brain.auth.TenantDao;
import java.io.PrintStream;

/** `brain admin key create|revoke|list`: the secret goes to stdout once, everything else to stderr. */
record KeyCommands(TenantDao tenants, KeyDao keys, PrintStream out, PrintStream err) {

    int create(Args a) {
        String agent = a.id("agent");
        if (!tenants.agentExists(agent)) {
            err.println("no agent " + agent);
            return 1;
        }
        KeyDao.IssuedKey key = keys.issue(agent, a.optional("label"), a.flag("require-signature"));
        err.println("key " + key.id() + " created for " + agent + "; it is shown once, store it now");
        out.println(key.secret());
        if (key.signingSecret() != null) {
            err.println("its requests must be signed: the second line is the signing secret (BRAIN_SIGNING_SECRET), also shown once");
            out.println(key.signingSecret());
        }
        return 0;
    }

    int revoke(Args a) {
        String id = a.id("id");
        if (keys.revoke(id) == 0) {
            err.println("no active key " + id);
            return 1;
        }
        err.println("key " + id + " revoked");
        return 0;
    }

    int list(Args a) {
        var rows = keys.list(a.optional("agent"));
        out.println("id\tagent_id\tcustomer_id\tlabel\tcreated_at\trevoked_at");
        rows.forEach(k -> out.println(Tsv.row(k.id(), k.agentId(), k.customerId(), k.label(), k.createdAt(), k.revokedAt())));
        return 0;
    }
}
