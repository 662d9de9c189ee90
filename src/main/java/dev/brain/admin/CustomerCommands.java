package dev.brain.admin;

import dev.brain.auth.TenantDao;
import dev.brain.privacy.PrivacyAdmin;
import java.io.PrintStream;

/** `brain admin customer add|set-tier|list|contract`. */
record CustomerCommands(TenantDao tenants, PrivacyAdmin privacy, ContractCommand contract, PrintStream out, PrintStream err) {

    int contract(Args a) {
        return contract.run(a);
    }

    int add(Args a) {
        String id = a.id("id");
        String name = a.required("name");
        String tier = a.tier();
        if (tenants.addCustomer(id, name, tier) == 0) {
            err.println("customer " + id + " already exists");
            return 1;
        }
        err.println("customer " + id + " added (tier " + tier + ")");
        return 0;
    }

    int setTier(Args a) {
        String id = a.id("id");
        String tier = a.tier();
        if (privacy.setTier(id, tier) == 0) {
            err.println("no customer " + id);
            return 1;
        }
        err.println("customer " + id + " is now tier " + tier);
        return 0;
    }

    int list(Args a) {
        var customers = tenants.customers();
        out.println("id\tname\ttier\tcreated_at");
        customers.forEach(c -> out.println(Tsv.row(c.id(), c.name(), c.privacyTier(), c.createdAt())));
        return 0;
    }
}
