package dev.brain.otlp;

import dev.brain.error.InvalidEvent;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * OTLP metrics into named daily counters: each point of a monotonic sum (Claude Code's active time, lines of code,
 * commits, pull requests, sessions, tokens, cost) becomes a {@link UsageStore.Point} named after its metric plus its
 * `type` attribute (e.g. claude_code.lines_of_code.count.added). Gauges, histograms and non-monotonic sums are
 * counted by name. A series is identified by its resource, scope, metric and point attributes, hashed: the
 * attributes' values (user.email among them) are never stored.
 */
final class UsageMetrics {
    private static final Set<String> TYPE = Set.of("type");
    private final Timestamps timestamps;

    UsageMetrics(Timestamps timestamps) {
        this.timestamps = timestamps;
    }

    /** How many data points the metric holds: the unit of OTLP's rejectedDataPoints. */
    static int points(Metric m) {
        return switch (m.getDataCase()) {
            case SUM -> m.getSum().getDataPointsCount();
            case GAUGE -> m.getGauge().getDataPointsCount();
            case HISTOGRAM -> m.getHistogram().getDataPointsCount();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
            case SUMMARY -> m.getSummary().getDataPointsCount();
            default -> 0;
        };
    }

    /** The i-th point of the metric as a counter point, or a named count for kinds without a model. */
    Object point(String seriesPrefix, Metric m, int i) {
        String name = m.getName();
        if (name.isEmpty() || name.codePointCount(0, name.length()) > Attrs.MAX_NAME) {
            throw new InvalidEvent("invalid_field", "a metric name must be 1 to " + Attrs.MAX_NAME + " characters");
        }
        if (m.getDataCase() != Metric.DataCase.SUM || !m.getSum().getIsMonotonic()) {
            return other(seriesPrefix, m, i);
        }
        NumberDataPoint p = m.getSum().getDataPoints(i);
        double value = switch (p.getValueCase()) {
            case AS_DOUBLE -> p.getAsDouble();
            case AS_INT -> p.getAsInt();
            default -> throw new InvalidEvent("missing_field", "a data point of " + name + " has no value");
        };
        if (!Double.isFinite(value) || value < 0) {
            throw new InvalidEvent("invalid_field", "a monotonic sum's point must be a finite number, not negative");
        }
        AggregationTemporality t = m.getSum().getAggregationTemporality();
        if (t != AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA && t != AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE) {
            throw new InvalidEvent("invalid_field", "a sum's aggregation temporality must be delta or cumulative");
        }
        Instant ts = timestamps.check(p.getTimeUnixNano());
        String type = Attrs.of(TYPE, p.getAttributesList()).name("type");
        String metric = type == null ? name : name + "." + type;
        if (metric.length() > 2 * Attrs.MAX_NAME) {
            throw new InvalidEvent("string_too_long", "the metric name and its type are too long");
        }
        return new UsageStore.Point(series(seriesPrefix, name, p.getAttributesList()),
                t == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, p.getStartTimeUnixNano(), p.getTimeUnixNano(), ts,
                metric, value);
    }

    private UsageStore.Named other(String seriesPrefix, Metric m, int i) {
        long time = switch (m.getDataCase()) {
            case SUM -> m.getSum().getDataPoints(i).getTimeUnixNano();
            case GAUGE -> m.getGauge().getDataPoints(i).getTimeUnixNano();
            case HISTOGRAM -> m.getHistogram().getDataPoints(i).getTimeUnixNano();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPoints(i).getTimeUnixNano();
            case SUMMARY -> m.getSummary().getDataPoints(i).getTimeUnixNano();
            default -> 0;
        };
        List<KeyValue> attrs = switch (m.getDataCase()) {
            case SUM -> m.getSum().getDataPoints(i).getAttributesList();
            case GAUGE -> m.getGauge().getDataPoints(i).getAttributesList();
            case HISTOGRAM -> m.getHistogram().getDataPoints(i).getAttributesList();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPoints(i).getAttributesList();
            case SUMMARY -> m.getSummary().getDataPoints(i).getAttributesList();
            default -> List.of();
        };
        UUID series = series(seriesPrefix, m.getName(), attrs);
        return new UsageStore.Named(Ids.of(series.toString(), Long.toString(time)), timestamps.check(time), "metrics", m.getName());
    }

    /** The resource's and scope's identity, computed once per scope. */
    static String seriesPrefix(List<KeyValue> resource, String scope) {
        return canonical(resource) + "\u001e" + scope;
    }

    private static UUID series(String prefix, String metric, List<KeyValue> attributes) {
        return Ids.of(prefix, metric, canonical(attributes));
    }

    // Attributes sorted by key, so the same series hashes alike whatever order the sender used.
    private static String canonical(List<KeyValue> attributes) {
        List<KeyValue> sorted = new ArrayList<>(attributes);
        sorted.sort(Comparator.comparing(KeyValue::getKey));
        var sb = new StringBuilder();
        for (KeyValue kv : sorted) {
            sb.append(kv.getKey()).append('=').append(kv.getValue().toString()).append('\u001f');
        }
        return sb.toString();
    }
}
