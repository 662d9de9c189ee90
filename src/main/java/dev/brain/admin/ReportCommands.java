package dev.brain.admin;

import dev.brain.auth.TenantDao;
import dev.brain.error.UsageError;
import dev.brain.report.Digest;
import dev.brain.report.DigestFormat;
import dev.brain.report.WeeklyDigest;
import java.io.PrintStream;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** `brain report weekly [--customer C] [--format md|html]`: the digest of the 7 days before today (UTC) on stdout. */
record ReportCommands(TenantDao tenants, WeeklyDigest digest, Clock clock, PrintStream out, PrintStream err) {

    int weekly(Args a) {
        String customer = a.optional("customer") == null ? null : a.id("customer");
        if (customer != null && !tenants.customerExists(customer)) {
            err.println("no customer " + customer);
            return 1;
        }
        String format = a.optional("format") == null ? "md" : a.optional("format");
        Digest d = digest.build(LocalDate.now(clock.withZone(ZoneOffset.UTC)), customer);
        out.print(switch (format) {
            case "md" -> DigestFormat.markdown(d);
            case "html" -> DigestFormat.html(d);
            default -> throw new UsageError("--format must be md or html");
        });
        return 0;
    }
}
