package dev.brain.sessions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.config.Resources;
import dev.brain.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Sessions built server-side from small records ({@link Fragment}s) of any wire format. {@link #record} stores the
 * new records (a retried one is skipped by its id), opens a session at the first record of its id (per customer)
 * with a session.start, and moves the session's idle clock; {@link SessionCloser} writes the session.end. A record
 * after the close reopens the session as a continuation (next generation, no second session.start). All state is in
 * PostgreSQL, every change of one session under its row lock, so restarts and several instances are safe.
 */
public final class Sessionizer {
    private static final String INSERT_FRAGMENTS = Resources.text("/db/queries/sessions/insert-fragments.sql");
    private static final String INSERT_START = Resources.text("/db/queries/sessions/insert-start.sql");

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final Metrics metrics;

    public Sessionizer(Jdbi jdbi, ObjectMapper json, Metrics metrics) {
        this.jdbi = jdbi;
        this.json = json;
        this.metrics = metrics;
        metrics.describe("brain_sessionizer_records_total", "Session records by outcome (new, duplicate)");
        metrics.describe("brain_sessionizer_opened_total", "Sessions opened by the sessionizer, by whether another path (hooks) reported them");
    }

    /** Stores the records in one transaction; returns how many were new (the rest were already stored). */
    public int record(List<Fragment> fragments) {
        if (fragments.isEmpty()) {
            return 0;
        }
        // Sessions are locked in one order, so two requests touching the same sessions cannot deadlock.
        Map<List<String>, List<Fragment>> bySession = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
                .thenComparing(k -> k.get(1)));
        for (Fragment f : fragments) {
            bySession.computeIfAbsent(List.of(f.session().customerId(), f.session().sessionId()), k -> new ArrayList<>()).add(f);
        }
        int fresh = jdbi.inTransaction(h -> {
            int n = 0;
            for (List<Fragment> one : bySession.values()) {
                n += recordSession(h, one);
            }
            return n;
        });
        metrics.inc("brain_sessionizer_records_total", fresh, "outcome", "new");
        metrics.inc("brain_sessionizer_records_total", fragments.size() - fresh, "outcome", "duplicate");
        return fresh;
    }

    private record State(int generation, boolean closed) {
    }

    private int recordSession(Handle h, List<Fragment> fs) {
        Fragment.Session s = fs.get(0).session();
        Instant first = fs.stream().map(Fragment::ts).min(Comparator.naturalOrder()).orElseThrow();
        Optional<State> state = lock(h, s);
        boolean opened = false;
        if (state.isEmpty()) {
            opened = h.createUpdate("""
                    insert into sessionizer_sessions (customer_id, session_id, agent_id, category, source, first_ts)
                    values (:customer, :session, :agent, :category, :source, :first) on conflict do nothing""")
                    .bind("customer", s.customerId()).bind("session", s.sessionId()).bind("agent", s.agentId())
                    .bind("category", s.category()).bind("source", s.source()).bind("first", Timestamp.from(first))
                    .execute() == 1;
            state = lock(h, s);
        }
        State st = state.orElseThrow();
        int generation = st.closed() ? st.generation() + 1 : st.generation();
        int fresh = insertFragments(h, s, generation, fs);
        if (fresh == 0) {
            return 0;
        }
        if (opened) {
            open(h, s, first);
        }
        boolean ends = fs.stream().anyMatch(f -> f.kind() == Fragment.Kind.END);
        h.createUpdate("""
                update sessionizer_sessions set touched_at = now(), generation = :generation, closed_at = null,
                  end_known = (end_known and closed_at is null) or :ends
                where customer_id = :customer and session_id = :session""")
                .bind("generation", generation).bind("ends", ends)
                .bind("customer", s.customerId()).bind("session", s.sessionId()).execute();
        return fresh;
    }

    private static Optional<State> lock(Handle h, Fragment.Session s) {
        return h.createQuery("""
                select generation, closed_at is not null as closed from sessionizer_sessions
                where customer_id = :customer and session_id = :session for update""")
                .bind("customer", s.customerId()).bind("session", s.sessionId())
                .map((rs, ctx) -> new State(rs.getInt("generation"), rs.getBoolean("closed"))).findOne();
    }

    // Hooks win: when the hooks already reported this session id, ours writes neither start nor end (README).
    private void open(Handle h, Fragment.Session s, Instant first) {
        boolean hooked = h.createQuery("""
                select exists (select 1 from events where session_id = :session and customer_id = :customer
                               and event_type in ('session.start', 'session.end'))""")
                .bind("session", s.sessionId()).bind("customer", s.customerId()).mapTo(Boolean.class).one();
        metrics.inc("brain_sessionizer_opened_total", "reported_elsewhere", Boolean.toString(hooked));
        if (hooked) {
            return;
        }
        UUID eventId = startEventId(s.customerId(), s.sessionId());
        String payload = json.createObjectNode().put("category", s.category()).put("source", s.source()).toString();
        h.createUpdate(INSERT_START).bind("eventId", eventId).bind("agent", s.agentId()).bind("ts", Timestamp.from(first))
                .bind("customer", s.customerId()).bind("session", s.sessionId()).bind("payload", payload).execute();
        h.createUpdate("update sessionizer_sessions set start_event_id = :id where customer_id = :customer and session_id = :session")
                .bind("id", eventId).bind("customer", s.customerId()).bind("session", s.sessionId()).execute();
    }

    /** The session.start's event id: the same for every instance and every retry. */
    static UUID startEventId(String customerId, String sessionId) {
        return UUID.nameUUIDFromBytes(("session.start\u001f" + customerId + "\u001f" + sessionId).getBytes(StandardCharsets.UTF_8));
    }

    private static int insertFragments(Handle h, Fragment.Session s, int generation, List<Fragment> fs) {
        int n = fs.size();
        String[] ids = new String[n];
        String[] ts = new String[n];
        String[] endTs = new String[n];
        String[] kinds = new String[n];
        String[] names = new String[n];
        Boolean[] oks = new Boolean[n];
        Long[] ms = new Long[n];
        Long[] inputs = new Long[n];
        Long[] outputs = new Long[n];
        Long[] cacheReads = new Long[n];
        Long[] cacheCreations = new Long[n];
        String[] costs = new String[n];
        Long[] sizes = new Long[n];
        for (int i = 0; i < n; i++) {
            Fragment f = fs.get(i);
            ids[i] = f.id().toString();
            ts[i] = f.ts().toString();
            endTs[i] = f.endTs() == null ? null : f.endTs().toString();
            kinds[i] = f.kind().sql();
            names[i] = f.name();
            oks[i] = f.ok();
            ms[i] = f.ms();
            sizes[i] = f.size();
            Fragment.Usage u = f.usage();
            if (u != null) {
                inputs[i] = u.inputTokens();
                outputs[i] = u.outputTokens();
                cacheReads[i] = u.cacheReadTokens();
                cacheCreations[i] = u.cacheCreationTokens();
                costs[i] = u.costCents() == null ? null : u.costCents().toPlainString();
            }
        }
        return h.createUpdate(INSERT_FRAGMENTS).bind("customer", s.customerId()).bind("session", s.sessionId())
                .bind("generation", generation).bind("ids", ids).bind("ts", ts).bind("endTs", endTs).bind("kinds", kinds)
                .bind("names", names).bind("oks", oks).bind("ms", ms).bind("inputs", inputs).bind("outputs", outputs)
                .bind("cacheReads", cacheReads).bind("cacheCreations", cacheCreations).bind("costs", costs).bind("sizes", sizes)
                .execute();
    }
}
