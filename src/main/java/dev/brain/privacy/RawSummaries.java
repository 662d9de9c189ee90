package dev.brain.privacy;

import dev.brain.auth.SummaryPolicy;
import dev.brain.error.Forbidden;
import dev.brain.error.NotFound;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Tier-C raw summaries, read only through here, and every read written to the audit log in the same transaction. */
public final class RawSummaries {
    private final Jdbi jdbi;

    public RawSummaries(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public record Row(UUID eventId, Instant ts, String agentId, String sessionId, String summaryRaw, String summaryRedacted) {
    }

    public List<Row> read(String actor, String customerId, int days, int limit) {
        return jdbi.inTransaction(h -> {
            PrivacyDao dao = h.attach(PrivacyDao.class);
            PrivacyDao.Tier tier = dao.tier(customerId).orElseThrow(() -> new NotFound("not_found", "no customer " + customerId));
            if (SummaryPolicy.of(tier.privacyTier(), tier.tierCEnabled()) != SummaryPolicy.KEEP) {
                throw new Forbidden("tier_c_off", "customer " + customerId + " is not tier c with the Tier-C switch on");
            }
            List<Row> rows = dao.rawSummaries(customerId, days, limit);
            dao.audit(actor, "read_raw_summaries", customerId, rows.stream().map(r -> r.eventId().toString()).toArray(String[]::new),
                    rows.size() + " rows, last " + days + " days");
            return rows;
        });
    }
}
