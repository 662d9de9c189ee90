package dev.brain.admin;

import dev.brain.auth.TenantDao;
import java.io.PrintStream;

/** `brain admin agent add|list`. */
record AgentCommands(TenantDao tenants, PrintStream out, PrintStream err) {

    int add(Args a) {
        String id = a.id("id");
        String customer = a.id("customer");
        if (!tenants.customerExists(customer)) {
            err.println("no customer " + customer);
            return 1;
        }
        if (tenants.addAgent(id, customer, a.optional("kind")) == 0) {
            err.println("agent " + id + " already exists");
            return 1;
        }
        err.println("agent " + id + " added to " + customer);
        return 0;
    }

    int list(Args a) {
        var agents = tenants.agents(a.optional("customer"));
        out.println("id\tcustomer_id\tkind\tversion\tlast_seen_at");
        agents.forEach(g -> out.println(Tsv.row(g.id(), g.customerId(), g.kind(), g.version(), g.lastSeenAt())));
        return 0;
    }
}
