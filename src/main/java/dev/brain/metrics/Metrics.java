package dev.brain.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/** A tiny Prometheus registry: counters, gauges and one latency histogram family. Text format 0.0.4. */
public final class Metrics {
    private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final Map<String, String> help = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Histogram> histograms = new ConcurrentHashMap<>();

    private static final class Histogram {
        final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
        final LongAdder sumMicros = new LongAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }
    }

    public void describe(String name, String text) {
        help.put(name, text);
    }

    /** labels are alternating name, value. */
    public void inc(String name, long by, String... labels) {
        counters.computeIfAbsent(series(name, labels), k -> new LongAdder()).add(by);
    }

    public void inc(String name, String... labels) {
        inc(name, 1, labels);
    }

    public long count(String name, String... labels) {
        LongAdder a = counters.get(series(name, labels));
        return a == null ? 0 : a.sum();
    }

    public void gauge(String name, DoubleSupplier value, String... labels) {
        gauges.put(series(name, labels), value);
    }

    public void observeSeconds(String name, double seconds, String... labels) {
        Histogram h = histograms.computeIfAbsent(series(name, labels), k -> new Histogram());
        int i = 0;
        while (i < BUCKETS.length && seconds > BUCKETS[i]) {
            i++;
        }
        h.counts[i].increment();
        h.sumMicros.add((long) (seconds * 1_000_000));
    }

    public String render() {
        var out = new StringBuilder(4096);
        var byFamily = new TreeMap<String, StringBuilder>();
        counters.forEach((s, v) -> family(byFamily, s, "counter").append(s).append(' ').append(v.sum()).append('\n'));
        gauges.forEach((s, v) -> family(byFamily, s, "gauge").append(s).append(' ').append(value(v)).append('\n'));
        histograms.forEach((s, h) -> {
            StringBuilder f = family(byFamily, s, "histogram");
            String name = s.contains("{") ? s.substring(0, s.indexOf('{')) : s;
            String labels = s.contains("{") ? s.substring(s.indexOf('{') + 1, s.length() - 1) : "";
            String sep = labels.isEmpty() ? "" : ",";
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += h.counts[i].sum();
                f.append(name).append("_bucket{").append(labels).append(sep).append("le=\"").append(BUCKETS[i]).append("\"} ")
                        .append(cumulative).append('\n');
            }
            cumulative += h.counts[BUCKETS.length].sum();
            f.append(name).append("_bucket{").append(labels).append(sep).append("le=\"+Inf\"} ").append(cumulative).append('\n');
            String suffix = labels.isEmpty() ? "" : "{" + labels + "}";
            f.append(name).append("_sum").append(suffix).append(' ').append(h.sumMicros.sum() / 1e6).append('\n');
            f.append(name).append("_count").append(suffix).append(' ').append(cumulative).append('\n');
        });
        byFamily.values().forEach(out::append);
        return out.toString();
    }

    private StringBuilder family(Map<String, StringBuilder> byFamily, String series, String type) {
        String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
        return byFamily.computeIfAbsent(name, n -> new StringBuilder()
                .append("# HELP ").append(n).append(' ').append(help.getOrDefault(n, n)).append('\n')
                .append("# TYPE ").append(n).append(' ').append(type).append('\n'));
    }

    private static String value(DoubleSupplier s) {
        try {
            double d = s.getAsDouble();
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        } catch (RuntimeException e) {
            return "NaN";
        }
    }

    private static String series(String name, String... labels) {
        if (labels.length == 0) {
            return name;
        }
        var s = new StringBuilder(name).append('{');
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (i > 0) {
                s.append(',');
            }
            s.append(labels[i]).append("=\"").append(labels[i + 1].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return s.append('}').toString();
    }
}
