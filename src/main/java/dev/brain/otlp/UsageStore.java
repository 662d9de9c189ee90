package dev.brain.otlp;

import dev.brain.auth.Principal;
import dev.brain.config.Resources;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The OTLP tables: records counted by name per day, usage metrics per day (rollup_usage_metric_daily). Delta points
 * and named records count once by their deterministic id; a cumulative series adds the difference from its last
 * point (a reset, or a new start time, starts over; an older or repeated point adds nothing).
 */
public final class UsageStore {
    private static final String COUNT_NAMED = Resources.text("/db/queries/otlp/count-named.sql");
    private static final String ADD_DELTAS = Resources.text("/db/queries/otlp/add-delta-points.sql");

    private final Jdbi jdbi;

    public UsageStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A record counted by signal and name on its UTC day. */
    record Named(UUID id, Instant ts, String signal, String name) {
    }

    /** One point of a monotonic sum: cumulative points carry their series' start time; delta points are ids. */
    record Point(UUID seriesId, boolean cumulative, long startNs, long timeNs, Instant ts, String metric, double value) {
    }

    void count(Principal who, List<Named> named) {
        if (named.isEmpty()) {
            return;
        }
        int n = named.size();
        String[] ids = new String[n];
        String[] days = new String[n];
        String[] signals = new String[n];
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            Named x = named.get(i);
            ids[i] = x.id().toString();
            days[i] = day(x.ts());
            signals[i] = x.signal();
            names[i] = x.name();
        }
        jdbi.useHandle(h -> h.createUpdate(COUNT_NAMED).bind("customer", who.customerId()).bind("agent", who.agentId())
                .bind("ids", ids).bind("days", days).bind("signals", signals).bind("names", names).execute());
    }

    void add(Principal who, List<Point> points) {
        if (points.isEmpty()) {
            return;
        }
        List<Point> deltas = points.stream().filter(p -> !p.cumulative()).toList();
        List<Point> cumulative = points.stream().filter(Point::cumulative)
                .sorted(Comparator.comparing((Point p) -> p.seriesId()).thenComparingLong(Point::timeNs)).toList();
        jdbi.useTransaction(h -> {
            addDeltas(h, who, deltas);
            for (Point p : cumulative) {
                double delta = difference(h, who, p);
                if (delta > 0) {
                    addDeltas(h, who, List.of(new Point(UUID.randomUUID(), false, p.startNs(), p.timeNs(), p.ts(), p.metric(), delta)));
                }
            }
        });
    }

    private record Last(long startNs, long timeNs, double value) {
    }

    // The series row is locked, so concurrent exports of one series take turns and each difference counts once.
    private static double difference(Handle h, Principal who, Point p) {
        Optional<Last> last = h.createQuery("""
                select start_ns, time_ns, value from otlp_cumulative_series
                where customer_id = :customer and series_id = :series for update""")
                .bind("customer", who.customerId()).bind("series", p.seriesId())
                .map((rs, ctx) -> new Last(rs.getLong(1), rs.getLong(2), rs.getDouble(3))).findOne();
        double delta;
        if (last.isEmpty() || last.get().startNs() != p.startNs() || p.value() < last.get().value()) {
            delta = p.value();
        } else if (p.timeNs() <= last.get().timeNs()) {
            return 0;
        } else {
            delta = p.value() - last.get().value();
        }
        h.createUpdate("""
                insert into otlp_cumulative_series (customer_id, series_id, start_ns, time_ns, value) values (:customer, :series, :start, :time, :value)
                on conflict (customer_id, series_id) do update
                set start_ns = excluded.start_ns, time_ns = excluded.time_ns, value = excluded.value, seen_at = now()""")
                .bind("customer", who.customerId()).bind("series", p.seriesId()).bind("start", p.startNs())
                .bind("time", p.timeNs()).bind("value", p.value()).execute();
        return delta;
    }

    private static void addDeltas(Handle h, Principal who, List<Point> deltas) {
        if (deltas.isEmpty()) {
            return;
        }
        int n = deltas.size();
        String[] ids = new String[n];
        String[] days = new String[n];
        String[] metrics = new String[n];
        Double[] values = new Double[n];
        for (int i = 0; i < n; i++) {
            Point p = deltas.get(i);
            ids[i] = Ids.of(p.seriesId().toString(), Long.toString(p.startNs()), Long.toString(p.timeNs())).toString();
            days[i] = day(p.ts());
            metrics[i] = p.metric();
            values[i] = p.value();
        }
        h.createUpdate(ADD_DELTAS).bind("customer", who.customerId()).bind("agent", who.agentId())
                .bind("ids", ids).bind("days", days).bind("metrics", metrics).bind("values", values).execute();
    }

    private static String day(Instant ts) {
        return LocalDate.ofInstant(ts, ZoneOffset.UTC).toString();
    }

    /** Forgets the ids of points and records counted more than two days ago: no exporter retries that late. */
    static int prune(Handle h) {
        return h.createUpdate("delete from otlp_counted where seen_at < :before")
                .bind("before", Timestamp.from(Instant.now().minusSeconds(2 * 86_400))).execute();
    }
}
