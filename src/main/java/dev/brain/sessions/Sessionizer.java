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
    private static final String OPEN = Resources.text("/db/queries/sessions/open.sql");

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

    // Two round trips for a session already open (lock, records), four for a new one (lock, insert, records, open).
    private int recordSession(Handle h, List<Fragment> fs) {
        Fragment.Session s = fs.get(0).session();
        Instant first = fs.stream().map(Fragment::ts).min(Comparator.naturalOrder()).orElseThrow();
        Optional<State> state = lock(h, s);
        boolean opened = false;
        if (state.isEmpty()) {
            // Another request may insert it first: then this one waits for that row and continues as for an open session.
            var row = h.createQuery("""
                    insert into sessionizer_sessions (customer_id, session_id, agent_id, category, source, first_ts)
                    values (:customer, :session, :agent, :category, :source, :first)
                    on conflict (customer_id, session_id) do update set touched_at = sessionizer_sessions.touched_at
                    returning generation, closed_at is not null as closed, xmax = 0 as inserted""")
                    .bind("customer", s.customerId()).bind("session", s.sessionId()).bind("agent", s.agentId())
                    .bind("category", s.category()).bind("source", s.source()).bind("first", Timestamp.from(first))
                    .mapToMap().one();
            opened = (Boolean) row.get("inserted");
            state = Optional.of(new State((Integer) row.get("generation"), (Boolean) row.get("closed")));
        }
        State st = state.orElseThrow();
        int generation = st.closed() ? st.generation() + 1 : st.generation();
        boolean ends = fs.stream().anyMatch(f -> f.kind() == Fragment.Kind.END);
        int fresh = insertFragments(h, s, generation, ends, fs);
        if (fresh > 0 && opened) {
            open(h, s, first);
        }
        return fresh;
    }

    private static Optional<State> lock(Handle h, Fragment.Session s) {
        return h.createQuery("""
                select generation, closed_at is not null as closed from sessionizer_sessions
                where customer_id = :customer and session_id = :session for update""")
                .bind("customer", s.customerId()).bind("session", s.sessionId())
                .map((rs, ctx) -> new State(rs.getInt("generation"), rs.getBoolean("closed"))).findOne();
    }

    // Hooks win: when the hooks already reported this session id (a session.start from a day before its first record
    // on), ours writes neither start nor end (README).
    private void open(Handle h, Fragment.Session s, Instant first) {
        String payload = json.createObjectNode().put("category", s.category()).put("source", s.source()).toString();
        boolean hooked = h.createQuery(OPEN).bind("eventId", startEventId(s.customerId(), s.sessionId()))
                .bind("agent", s.agentId()).bind("ts", Timestamp.from(first)).bind("customer", s.customerId())
                .bind("session", s.sessionId()).bind("payload", payload)
                .map((rs, ctx) -> rs.getBoolean("yes")).one();
        metrics.inc("brain_sessionizer_opened_total", "reported_elsewhere", Boolean.toString(hooked));
    }

    /** The session.start's event id: the same for every instance and every retry. */
    static UUID startEventId(String customerId, String sessionId) {
        return UUID.nameUUIDFromBytes(("session.start\u001f" + customerId + "\u001f" + sessionId).getBytes(StandardCharsets.UTF_8));
    }

    private static int insertFragments(Handle h, Fragment.Session s, int generation, boolean ends, List<Fragment> fs) {
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
        return h.createQuery(INSERT_FRAGMENTS).bind("customer", s.customerId()).bind("session", s.sessionId())
                .bind("generation", generation).bind("ends", ends).bind("ids", ids).bind("ts", ts).bind("endTs", endTs).bind("kinds", kinds)
                .bind("names", names).bind("oks", oks).bind("ms", ms).bind("inputs", inputs).bind("outputs", outputs)
                .bind("cacheReads", cacheReads).bind("cacheCreations", cacheCreations).bind("costs", costs).bind("sizes", sizes)
                .map((rs, ctx) -> rs.getInt("fresh")).one();
    }
}
