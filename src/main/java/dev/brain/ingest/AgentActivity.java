package dev.brain.ingest;

import dev.brain.config.Resources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps agents.last_seen_at and agents.version current, off the request path: a request only notes
 * the agent in memory, and a background flush writes every agent noted since the last one in a single
 * statement. Rows another transaction has locked are skipped (never waited for) and retried on the
 * next flush, so a stored event is never turned into an error or delayed by this bookkeeping.
 */
public final class AgentActivity implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentActivity.class);
    private static final String FLUSH_SQL = Resources.text("/db/queries/ingest/agent-activity.sql");
    private final Jdbi jdbi;
    private final ConcurrentHashMap<String, Seen> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;
    private volatile boolean failing;

    /** When an agent was last heard from, and the newest version it reported (null: none). */
    private record Seen(Instant at, String version) {
        Seen then(Seen later) {
            return new Seen(later.at.isAfter(at) ? later.at : at, later.version != null ? later.version : version);
        }
    }

    public AgentActivity(Jdbi jdbi) {
        this(jdbi, Duration.ofSeconds(1));
    }

    public AgentActivity(Jdbi jdbi, Duration every) {
        this.jdbi = jdbi;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "brain-agent-activity");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flush, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Notes that the agent was heard from now; the next flush writes it. Never touches the database. */
    public void seen(String agentId, String version) {
        pending.merge(agentId, new Seen(Instant.now(), version), Seen::then);
    }

    /** Writes what was noted; what could not be written stays noted for the next flush. Never throws. */
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<String, Seen> batch = new HashMap<>();
        for (String id : pending.keySet()) {
            Seen s = pending.remove(id);
            if (s != null) {
                batch.put(id, s);
            }
        }
        Set<String> done = new HashSet<>();
        try {
            done.addAll(write(batch));
            if (failing) {
                failing = false;
                LOG.info("agent activity is written again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warn("agent activity not written, will retry: {}", e.getClass().getSimpleName());
            }
        }
        batch.forEach((id, s) -> {
            if (!done.contains(id)) {
                pending.merge(id, s, (newer, older) -> older.then(newer));
            }
        });
    }

    private List<String> write(Map<String, Seen> batch) {
        List<String> ids = new ArrayList<>(batch.keySet());
        String[] seen = new String[ids.size()];
        String[] versions = new String[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            seen[i] = batch.get(ids.get(i)).at().toString();
            versions[i] = batch.get(ids.get(i)).version();
        }
        return jdbi.inTransaction(h -> {
            // Skip-locked never waits on a row; this bounds the wait on anything else (a table lock).
            h.execute("set local lock_timeout = '2s'");
            return h.createQuery(FLUSH_SQL).bind("ids", ids.toArray(new String[0])).bind("seen", seen).bind("versions", versions)
                    .mapTo(String.class).list();
        });
    }

    /** Stops the background flush and writes what is still noted, once. */
    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
