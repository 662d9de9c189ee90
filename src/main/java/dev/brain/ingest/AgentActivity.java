package dev.brain.ingest;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Keeps agents.last_seen_at and agents.version current. last_seen_at is written at most once a
 * second per agent and per instance, so a busy agent does not serialise requests on its row.
 */
public final class AgentActivity {
    private static final long MIN_INTERVAL_NANOS = 1_000_000_000L;
    private final Jdbi jdbi;
    private final ConcurrentHashMap<String, Long> lastWrite = new ConcurrentHashMap<>();

    public AgentActivity(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void seen(String agentId, String version) {
        long now = System.nanoTime();
        Long prev = lastWrite.get(agentId);
        boolean due = prev == null || now - prev >= MIN_INTERVAL_NANOS;
        if (!due && version == null) {
            return;
        }
        lastWrite.put(agentId, now);
        jdbi.useHandle(h -> h.createUpdate("""
                        update agents set last_seen_at = greatest(last_seen_at, :now),
                                          version = coalesce(:version, version)
                        where id = :id and (last_seen_at is null or last_seen_at < :now
                                            or (:version is not null and version is distinct from :version))""")
                .bind("id", agentId).bind("now", Instant.now()).bind("version", version)
                .execute());
    }
}
