package dev.brain.sessions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.config.Resources;
import dev.brain.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Sessions built server-side from small records ({@link Fragment}s) of any wire format. {@link #record} stores the
 * new records (a retried one is skipped by its id), opens a session at the first record of its id (per customer)
 * with a session.start, and moves the session's idle clock; {@link SessionCloser} writes the session.end. A record
 * after the close reopens the session as a continuation (next generation, no second session.start). All state is in
 * PostgreSQL, every change of one session under its row lock, so restarts and several instances are safe. A request
 * costs four statements whatever the number of its sessions (sql/queries/sessions).
 */
public final class Sessionizer {
    private static final String LOCK = Resources.text("/db/queries/sessions/lock.sql");
    private static final String INSERT_SESSIONS = Resources.text("/db/queries/sessions/insert-sessions.sql");
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
        // Per customer (one per request in practice), its sessions in one order, each session's records in arrival order.
        Map<String, TreeMap<String, List<Fragment>>> byCustomer = new TreeMap<>();
        for (Fragment f : fragments) {
            byCustomer.computeIfAbsent(f.session().customerId(), k -> new TreeMap<>())
                    .computeIfAbsent(f.session().sessionId(), k -> new ArrayList<>()).add(f);
        }
        int fresh = jdbi.inTransaction(h -> {
            int n = 0;
            for (var e : byCustomer.entrySet()) {
                n += recordSessions(h, e.getKey(), e.getValue());
            }
            return n;
        });
        metrics.inc("brain_sessionizer_records_total", fresh, "outcome", "new");
        metrics.inc("brain_sessionizer_records_total", fragments.size() - fresh, "outcome", "duplicate");
        return fresh;
    }

    private record State(int generation, boolean closed, boolean inserted) {
    }

    // Four round trips whatever the number of sessions: lock the known ones, insert the new ones, store the records
    // (moving the idle clocks), open what this request inserted.
    private int recordSessions(Handle h, String customer, TreeMap<String, List<Fragment>> sessions) {
        Map<String, State> states = new HashMap<>();
        h.createQuery(LOCK).bind("customer", customer).bind("sessions", sessions.keySet().toArray(new String[0]))
                .map((rs, ctx) -> Map.entry(rs.getString("session_id"), new State(rs.getInt("generation"), rs.getBoolean("closed"), false)))
                .forEach(e -> states.put(e.getKey(), e.getValue()));
        List<String> missing = sessions.keySet().stream().filter(id -> !states.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            Columns c = new Columns();
            for (String id : missing) {
                List<Fragment> fs = sessions.get(id);
                Fragment.Session s = fs.get(0).session();
                c.add(id, s.agentId(), s.category(), s.source(), first(fs).toString());
            }
            h.createQuery(INSERT_SESSIONS).bind("customer", customer).bind("sessions", c.col(0)).bind("agents", c.col(1))
                    .bind("categories", c.col(2)).bind("sources", c.col(3)).bind("firsts", c.col(4))
                    .map((rs, ctx) -> Map.entry(rs.getString("session_id"),
                            new State(rs.getInt("generation"), rs.getBoolean("closed"), rs.getBoolean("inserted"))))
                    .forEach(e -> states.put(e.getKey(), e.getValue()));
        }
        Map<String, Integer> freshBySession = insertFragments(h, customer, sessions, states);
        Columns opened = new Columns();
        for (String id : freshBySession.keySet()) {
            if (states.get(id).inserted()) {
                Fragment.Session s = sessions.get(id).get(0).session();
                String payload = json.createObjectNode().put("category", s.category()).put("source", s.source()).toString();
                opened.add(id, startEventId(customer, id).toString(), s.agentId(), first(sessions.get(id)).toString(), payload);
            }
        }
        if (opened.size() > 0) {
            // Hooks win: a session the hooks (or any sender) already started gets neither start nor end from us (README).
            h.createQuery(OPEN).bind("customer", customer).bind("sessions", opened.col(0)).bind("eventIds", opened.col(1))
                    .bind("agents", opened.col(2)).bind("ts", opened.col(3)).bind("payloads", opened.col(4))
                    .map((rs, ctx) -> rs.getBoolean("yes"))
                    .forEach(hooked -> metrics.inc("brain_sessionizer_opened_total", "reported_elsewhere", Boolean.toString(hooked)));
        }
        return freshBySession.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static Instant first(List<Fragment> fs) {
        return fs.stream().map(Fragment::ts).min(Comparator.naturalOrder()).orElseThrow();
    }

    /** The session.start's event id: the same for every instance and every retry. */
    static UUID startEventId(String customerId, String sessionId) {
        return UUID.nameUUIDFromBytes(("session.start\u001f" + customerId + "\u001f" + sessionId).getBytes(StandardCharsets.UTF_8));
    }

    /** Text columns for unnest, filled row by row. */
    private static final class Columns {
        private final List<String[]> rows = new ArrayList<>();

        void add(String... row) {
            rows.add(row);
        }

        int size() {
            return rows.size();
        }

        String[] col(int i) {
            String[] out = new String[rows.size()];
            for (int r = 0; r < out.length; r++) {
                out[r] = rows.get(r)[i];
            }
            return out;
        }
    }

    private static Map<String, Integer> insertFragments(Handle h, String customer, TreeMap<String, List<Fragment>> sessions,
                                                        Map<String, State> states) {
        int n = sessions.values().stream().mapToInt(List::size).sum();
        String[] ids = new String[n];
        String[] fragmentSessions = new String[n];
        Integer[] fragmentGenerations = new Integer[n];
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
        Long[] ttfts = new Long[n];
        Boolean[] subagents = new Boolean[n];
        String[] sessionIds = new String[sessions.size()];
        Integer[] generations = new Integer[sessions.size()];
        Boolean[] ends = new Boolean[sessions.size()];
        int i = 0;
        int k = 0;
        for (var e : sessions.entrySet()) {
            State st = states.get(e.getKey());
            // A record after the close continues the session as its next generation.
            int generation = st.closed() ? st.generation() + 1 : st.generation();
            sessionIds[k] = e.getKey();
            generations[k] = generation;
            ends[k++] = e.getValue().stream().anyMatch(f -> f.kind() == Fragment.Kind.END);
            for (Fragment f : e.getValue()) {
                ids[i] = f.id().toString();
                fragmentSessions[i] = e.getKey();
                fragmentGenerations[i] = generation;
                ts[i] = f.ts().toString();
                endTs[i] = f.endTs() == null ? null : f.endTs().toString();
                kinds[i] = f.kind().sql();
                names[i] = f.name();
                oks[i] = f.ok();
                ms[i] = f.ms();
                sizes[i] = f.size();
                ttfts[i] = f.ttftMs();
                subagents[i] = f.subagent();
                Fragment.Usage u = f.usage();
                if (u != null) {
                    inputs[i] = u.inputTokens();
                    outputs[i] = u.outputTokens();
                    cacheReads[i] = u.cacheReadTokens();
                    cacheCreations[i] = u.cacheCreationTokens();
                    costs[i] = u.costCents() == null ? null : u.costCents().toPlainString();
                }
                i++;
            }
        }
        Map<String, Integer> fresh = new TreeMap<>();
        h.createQuery(INSERT_FRAGMENTS).bind("customer", customer).bind("ids", ids).bind("fragmentSessions", fragmentSessions)
                .bind("fragmentGenerations", fragmentGenerations).bind("ts", ts).bind("endTs", endTs).bind("kinds", kinds)
                .bind("names", names).bind("oks", oks).bind("ms", ms).bind("inputs", inputs).bind("outputs", outputs)
                .bind("cacheReads", cacheReads).bind("cacheCreations", cacheCreations).bind("costs", costs).bind("sizes", sizes)
                .bind("ttfts", ttfts).bind("subagents", subagents).bind("sessions", sessionIds).bind("generations", generations).bind("ends", ends)
                .map((rs, ctx) -> Map.entry(rs.getString("session_id"), rs.getInt("fresh")))
                .forEach(e -> fresh.put(e.getKey(), e.getValue()));
        return fresh;
    }
}
