package dev.brain.admin;

import dev.brain.error.UsageError;
import dev.brain.privacy.PrivacyAdmin;
import dev.brain.redact.Redactor;
import java.io.PrintStream;
import java.util.function.Supplier;

/** `brain admin customer tier-c`, `redact --retry-failed` and `audit list`. */
record PrivacyCommands(PrivacyAdmin privacy, Supplier<Redactor> redactor, PrintStream out, PrintStream err) {

    int tierC(Args a) {
        String id = a.id("id");
        String enabled = a.required("enabled");
        if (!enabled.equals("true") && !enabled.equals("false")) {
            throw new UsageError("--enabled must be true or false");
        }
        if (privacy.setTierC(id, enabled.equals("true")) == 0) {
            err.println("no customer " + id);
            return 1;
        }
        err.println("Tier-C switch for " + id + " is " + (enabled.equals("true") ? "on (effective while the tier is c)"
                : "off; stored raw summaries were removed"));
        return 0;
    }

    int retryFailed(Args a) {
        String customer = a.optional("customer");
        PrivacyAdmin.RetryOutcome r = privacy.retryFailed(redactor.get(), customer);
        err.println("retried " + (r.redacted() + r.failed()) + " tier-c summaries: " + r.redacted() + " redacted, "
                + r.failed() + " still failed");
        return r.failed() == 0 ? 0 : 1;
    }

    int auditList(Args a) {
        int limit;
        try {
            limit = Integer.parseInt(a.optional("limit") == null ? "100" : a.optional("limit"));
        } catch (NumberFormatException e) {
            throw new UsageError("--limit must be a number");
        }
        var rows = privacy.audit(a.optional("customer"), limit);
        out.println("id\tat\tactor\taction\tcustomer_id\tevents\tdetail");
        rows.forEach(r -> out.println(Tsv.row(r.id(), r.at(), r.actor(), r.action(), r.customerId(), r.events(), r.detail())));
        return 0;
    }
}
