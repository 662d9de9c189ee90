package dev.brain.admin;

import dev.brain.alerts.Alert;
import dev.brain.alerts.AlertStore;
import dev.brain.error.UsageError;
import java.io.PrintStream;
import java.math.BigDecimal;

/** `brain admin customer budget` (the spend_anomaly rule's absolute limit) and `brain admin alert list`. */
record AlertCommands(AlertStore alerts, PrintStream out, PrintStream err) {

    int budget(Args a) {
        String id = a.id("id");
        String raw = a.required("daily-cents");
        BigDecimal cents;
        try {
            cents = new BigDecimal(raw);
        } catch (NumberFormatException e) {
            throw new UsageError("--daily-cents must be a number of cents, got '" + raw + "'");
        }
        if (cents.signum() < 0 || cents.compareTo(BigDecimal.valueOf(1_000_000_000_000L)) > 0) {
            throw new UsageError("--daily-cents must be from 0 to 1000000000000");
        }
        if (!alerts.setBudget(id, cents)) {
            err.println("no customer " + id);
            return 1;
        }
        err.println("customer " + id + ": daily budget " + cents.toPlainString() + " cents (spend_anomaly fires above it)");
        return 0;
    }

    int list(Args a) {
        String state = a.optional("state") == null ? "firing" : a.optional("state");
        if (!state.equals("firing") && !state.equals("resolved") && !state.equals("all")) {
            throw new UsageError("--state must be firing, resolved or all");
        }
        int limit = a.optional("limit") == null ? 100 : Integer.parseInt(a.optional("limit").matches("[0-9]{1,5}") ? a.optional("limit") : "-1");
        if (limit < 1) {
            throw new UsageError("--limit must be a whole number from 1 to 99999");
        }
        var now = alerts.now();
        out.println("id\trule\tseverity\tstate\tcustomer\tsubject\tfired_at\tduration_s\tacked\tmessage");
        for (Alert x : alerts.list(state, a.optional("customer"), limit)) {
            out.println(Tsv.row(x.id(), x.rule(), x.severity(), x.state(), x.customerId(), x.subject(), x.firedAt(),
                    x.durationSeconds(now), x.ackedAt() == null ? "no" : "yes", x.message()));
        }
        return 0;
    }
}
