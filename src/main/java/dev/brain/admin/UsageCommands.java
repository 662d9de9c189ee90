package dev.brain.admin;

import dev.brain.customer.Usage;
import dev.brain.customer.UsageRoutes;
import dev.brain.error.UsageError;
import java.io.PrintStream;

/** `brain admin usage --month YYYY-MM [--customer C] [--format csv|tsv]`: usage for billing, as the endpoint answers it. */
record UsageCommands(Usage usage, PrintStream out, PrintStream err) {

    int print(Args a) {
        var month = UsageRoutes.month(a.required("month"));
        String customer = a.optional("customer");
        String format = a.optional("format") == null ? "tsv" : a.optional("format");
        var lines = usage.lines(month, customer);
        switch (format) {
            case "csv" -> out.print(lines.csv());
            case "tsv" -> {
                out.println(String.join("\t", lines.columns()));
                lines.rows().forEach(r -> out.println(Tsv.row(r.toArray())));
            }
            default -> throw new UsageError("--format must be csv or tsv");
        }
        err.println(month + (usage.isFrozen(month) ? " is closed: its figures are frozen" : " is open: its figures may still change"));
        return 0;
    }
}
