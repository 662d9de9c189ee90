package dev.brain.ingest;

import dev.brain.auth.Principal;
import dev.brain.config.Resources;
import dev.brain.db.DbErrors;
import dev.brain.error.DatabaseFailure;
import dev.brain.metrics.Metrics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Group commit: the rows of requests waiting at the same moment are written by one statement, one commit, and
 * each request is answered only after that commit. At most {@link #WRITERS} groups are in flight; whatever arrives
 * meanwhile waits for the next. Each request still learns which of its own rows were new. When a combined
 * statement fails for any reason but an outage, its requests are written one by one, so a request PostgreSQL
 * refuses fails alone.
 */
final class GroupCommit {
    static final int WRITERS = 2;
    static final int MAX_ROWS = 1000;
    // One array per column and the payloads as one JSON array: eight parameters whatever the row count, one statement
    // text planned once per connection, no per-row binding; the answer names new rows by position (1-based).
    private static final String INSERT = Resources.text("/db/queries/ingest/insert-events.sql");

    private final DataSource dataSource;
    private final Metrics metrics;
    private final Queue<Request> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger writers = new AtomicInteger();
    // Writer threads come and go with the load: idle ones end after a minute, so nothing needs closing.
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "event-writer");
        t.setDaemon(true);
        return t;
    });

    GroupCommit(DataSource dataSource, Metrics metrics) {
        this.dataSource = dataSource;
        this.metrics = metrics;
        metrics.describe("brain_ingest_commits_total", "Commits of the ingest group commit (rows / commits = rows per commit)");
        metrics.describe("brain_ingest_commit_rows_total", "Event rows sent in those commits, new and duplicate");
        metrics.describe("brain_ingest_commit_requests_total", "Ingest requests answered by those commits");
    }

    /** One request's rows; `done` completes with the event_ids that were new once they are committed. */
    static final class Request {
        final Principal who;
        final List<EventStore.Row> rows;
        final CompletableFuture<Set<String>> done = new CompletableFuture<>();

        Request(Principal who, List<EventStore.Row> rows) {
            this.who = who;
            this.rows = rows;
        }
    }

    /** Writes the rows with whatever else is waiting; returns the event_ids that were new, once committed. */
    Set<String> write(Principal who, List<EventStore.Row> rows) {
        Request request = new Request(who, rows);
        waiting.add(request);
        startWriter();
        try {
            return request.done.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void startWriter() {
        for (int n = writers.get(); n < WRITERS; n = writers.get()) {
            if (writers.compareAndSet(n, n + 1)) {
                threads.execute(this::writeWhileWaiting);
                return;
            }
        }
    }

    // A writer leaves only when it finds nothing waiting after giving up its place, so a request that found every
    // place taken is always seen by a writer leaving after it.
    private void writeWhileWaiting() {
        while (true) {
            List<Request> group = takeGroup();
            if (group.isEmpty()) {
                writers.decrementAndGet();
                int n = writers.get();
                if (waiting.isEmpty() || n >= WRITERS || !writers.compareAndSet(n, n + 1)) {
                    return;
                }
                continue;
            }
            try {
                commit(group);
            } catch (RuntimeException | Error e) {
                group.forEach(r -> r.done.completeExceptionally(e));
            }
        }
    }

    // Takes requests until the group holds MAX_ROWS rows (a request is never split).
    private List<Request> takeGroup() {
        List<Request> group = new ArrayList<>();
        int rows = 0;
        for (Request next; rows < MAX_ROWS && (next = waiting.poll()) != null; ) {
            group.add(next);
            rows += next.rows.size();
        }
        return group;
    }

    void commit(List<Request> group) {
        try (Connection c = dataSource.getConnection()) {
            try {
                var fresh = insert(c, group);
                counted(group);
                answer(group, fresh);
            } catch (SQLException e) {
                if (group.size() == 1 || DbErrors.isUnavailable(e)) {
                    throw failure(group, e);
                }
                for (Request alone : group) {
                    try {
                        var fresh = insert(c, List.of(alone));
                        counted(List.of(alone));
                        answer(List.of(alone), fresh);
                    } catch (SQLException single) {
                        alone.done.completeExceptionally(failure(List.of(alone), single));
                    }
                }
            }
        } catch (SQLException e) {
            throw new DatabaseFailure("no connection for storing events", e);
        }
    }

    private void counted(List<Request> group) {
        metrics.inc("brain_ingest_commits_total");
        metrics.inc("brain_ingest_commit_rows_total", group.stream().mapToLong(r -> r.rows.size()).sum());
        metrics.inc("brain_ingest_commit_requests_total", group.size());
    }

    private static void answer(List<Request> group, Map<Request, Set<String>> fresh) {
        group.forEach(r -> r.done.complete(fresh.getOrDefault(r, Set.of())));
    }

    private static DatabaseFailure failure(List<Request> group, SQLException e) {
        int rows = group.stream().mapToInt(r -> r.rows.size()).sum();
        return new DatabaseFailure("storing " + rows + " events failed", e);
    }

    /**
     * Inserts the requests' rows in one statement (atomic on its own; inside a caller's transaction when it has one).
     * Each event_id is claimed in event_keys for its agent, so only a new event reaches events. Returns, per request,
     * the event_ids that were new. An event two requests of one group both carry goes to the first; the second sees a
     * duplicate, as it would after the first had committed.
     */
    static Map<Request, Set<String>> insert(Connection c, List<Request> group) throws SQLException {
        Set<Key> taken = new HashSet<>();
        List<Owned> rows = new ArrayList<>();
        for (Request r : group) {
            for (EventStore.Row row : r.rows) {
                // A request's own rows are distinct (IngestService drops in-batch repeats); only its neighbours' can clash.
                if (group.size() == 1 || taken.add(new Key(r.who.agentId(), row.eventId()))) {
                    rows.add(new Owned(row, r, rows.size()));
                }
            }
        }
        // Every writer claims keys in one order, so two statements sharing events wait for each other, never deadlock;
        // the events themselves are stored in arrival order (their ids order arrivals for the rollups' carrier rule).
        rows.sort(Comparator.comparing((Owned o) -> o.owner.who.agentId()).thenComparing(o -> o.row.eventId()));
        int n = rows.size();
        String[] ids = new String[n], ts = new String[n], types = new String[n], sessions = new String[n];
        String[] agents = new String[n], customers = new String[n];
        Integer[] arrivals = new Integer[n];
        StringBuilder payloads = new StringBuilder(n * 512).append('[');
        for (int i = 0; i < n; i++) {
            Owned o = rows.get(i);
            ids[i] = o.row.eventId();
            ts[i] = o.row.ts();
            types[i] = o.row.eventType();
            sessions[i] = o.row.sessionId();
            agents[i] = o.owner.who.agentId();
            customers[i] = o.owner.who.customerId();
            arrivals[i] = o.arrival;
            payloads.append(i == 0 ? "" : ",").append(o.row.payloadJson());
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setArray(1, c.createArrayOf("text", ids));
            ps.setArray(2, c.createArrayOf("text", ts));
            ps.setArray(3, c.createArrayOf("text", types));
            ps.setArray(4, c.createArrayOf("text", sessions));
            ps.setArray(5, c.createArrayOf("text", agents));
            ps.setArray(6, c.createArrayOf("text", customers));
            ps.setArray(7, c.createArrayOf("int4", arrivals));
            ps.setString(8, payloads.append(']').toString());
            Map<Request, Set<String>> fresh = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Owned o = rows.get(rs.getInt(1) - 1);
                    fresh.computeIfAbsent(o.owner, r -> new HashSet<>()).add(o.row.eventId());
                }
            }
            return fresh;
        }
    }

    private record Owned(EventStore.Row row, Request owner, int arrival) {
    }

    private record Key(String agentId, String eventId) {
    }
}
