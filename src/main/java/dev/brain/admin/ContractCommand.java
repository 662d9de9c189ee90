package dev.brain.admin;

import dev.brain.customer.Contracts;
import dev.brain.error.UsageError;
import java.io.PrintStream;

/** `brain admin customer contract --id C --monthly-cents N`: the contract value the customer page's margin uses. */
record ContractCommand(Contracts contracts, PrintStream err) {

    int run(Args a) {
        String id = a.id("id");
        String raw = a.required("monthly-cents");
        if (!raw.matches("[0-9]{1,15}")) {
            throw new UsageError("--monthly-cents must be a whole number of cents (0 or more)");
        }
        long cents = Long.parseLong(raw);
        if (!contracts.set(id, cents)) {
            err.println("no customer " + id);
            return 1;
        }
        err.println("customer " + id + ": contract " + cents + " cents a month");
        return 0;
    }
}
