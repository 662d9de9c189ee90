package dev.brain.privacy;

import dev.brain.auth.SummaryPolicy;
import dev.brain.error.RedactionFailed;
import dev.brain.redact.Redactor;
import dev.brain.redact.RedactionQueue;
import dev.brain.redact.SummaryStore;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** The admin side of privacy: the tier, the Tier-C switch, purging raw text, retrying failed Tier-C redactions, the audit log. */
public final class PrivacyAdmin {
    private final Jdbi jdbi;
    private final SummaryStore store;

    public PrivacyAdmin(Jdbi jdbi, SummaryStore store) {
        this.jdbi = jdbi;
        this.store = store;
    }

    public record AuditRow(long id, Instant at, String actor, String action, String customerId, int events, String detail) {
    }

    /** What a retry did: summaries now redacted, and those that failed again. */
    public record RetryOutcome(int redacted, int failed) {
    }

    /** Turns the switch on or off; off removes every stored raw summary of the customer. Returns the customers changed. */
    public int setTierC(String customerId, boolean on) {
        return jdbi.inTransaction(h -> {
            PrivacyDao dao = h.attach(PrivacyDao.class);
            int n = dao.setTierC(customerId, on);
            if (n > 0 && !on) {
                dao.purgeRaw(customerId);
            }
            return n;
        });
    }

    /** Changes the tier; a tier that can never keep raw text removes every stored raw summary. Returns the customers changed. */
    public int setTier(String customerId, String tier) {
        return jdbi.inTransaction(h -> {
            PrivacyDao dao = h.attach(PrivacyDao.class);
            int n = dao.setTier(customerId, tier);
            if (n > 0 && SummaryPolicy.of(tier, true) != SummaryPolicy.KEEP) {
                dao.purgeRaw(customerId);
            }
            return n;
        });
    }

    /** Re-runs redaction for Tier-C events whose raw text was kept (one customer, or all when null). */
    public RetryOutcome retryFailed(Redactor redactor, String customerId) {
        List<RedactionQueue.Job> jobs = jdbi.withExtension(PrivacyDao.class, dao -> dao.failedRedactions(customerId));
        int ok = 0;
        for (RedactionQueue.Job job : jobs) {
            try {
                store.redacted(job, redactor.redact(job.raw()));
                ok++;
            } catch (RedactionFailed e) {
                store.failed(job);
            }
        }
        return new RetryOutcome(ok, jobs.size() - ok);
    }

    /** The newest audit entries first, of one customer or all when null. */
    public List<AuditRow> audit(String customerId, int limit) {
        return jdbi.withExtension(PrivacyDao.class, dao -> dao.auditLog(customerId, limit));
    }
}
