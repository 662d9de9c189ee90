package dev.brain.otlp;

import static dev.brain.otlp.Otlp.JSON;
import static dev.brain.otlp.Otlp.PROTOBUF;
import static dev.brain.otlp.Otlp.claudeCode;
import static dev.brain.otlp.Otlp.nanos;
import static dev.brain.otlp.Otlp.str;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.support.OneBrainPerClass;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Claude Code's metrics into the daily named counters: delta and cumulative, retries and resets, never double. */
class UsageMetricsTest extends OneBrainPerClass {
    private static final Instant START = Instant.now().minusSeconds(300);

    UsageMetricsTest() {
        super("usage");
    }

    private static NumberDataPoint point(Instant start, Instant at, double value, KeyValue... attrs) {
        return NumberDataPoint.newBuilder().setStartTimeUnixNano(nanos(start)).setTimeUnixNano(nanos(at)).setAsDouble(value)
                .addAttributes(str("session.id", "m-1")).addAttributes(str("user.email", "jane.doe@example.com"))
                .addAllAttributes(List.of(attrs)).build();
    }

    private static Metric sum(String name, AggregationTemporality t, NumberDataPoint... points) {
        return Metric.newBuilder().setName(name).setSum(Sum.newBuilder().setIsMonotonic(true).setAggregationTemporality(t)
                .addAllDataPoints(List.of(points))).build();
    }

    private static ExportMetricsServiceRequest export(Metric... metrics) {
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder().setResource(claudeCode())
                .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(List.of(metrics)))).build();
    }

    private double value(String metric) {
        return brain.query("select coalesce(sum(value), 0) from rollup_usage_metric_daily where customer_id = 'cust_usage'"
                + " and metric = '" + metric + "'", rs -> rs.getDouble(1)).get(0);
    }

    @Test
    void delta_sums_land_as_named_daily_counters_and_a_retried_export_counts_once() {
        var delta = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        var request = export(
                sum("claude_code.lines_of_code.count", delta, point(START, START.plusSeconds(60), 120, str("type", "added")),
                        point(START, START.plusSeconds(60), 30, str("type", "removed"))),
                sum("claude_code.commit.count", delta, point(START, START.plusSeconds(60), 2)),
                sum("claude_code.active_time.total", delta, point(START, START.plusSeconds(60), 42.5)),
                Metric.newBuilder().setName("claude_code.some.gauge").setGauge(Gauge.newBuilder()
                        .addDataPoints(point(START, START.plusSeconds(60), 7))).build());
        for (String type : List.of(JSON, PROTOBUF, JSON)) {
            assertEquals(200, Otlp.post(brain, key, "/v1/metrics", request, type).statusCode());
        }
        assertEquals(120, value("claude_code.lines_of_code.count.added"));
        assertEquals(30, value("claude_code.lines_of_code.count.removed"));
        assertEquals(2, value("claude_code.commit.count"));
        assertEquals(42.5, value("claude_code.active_time.total"));
        assertEquals(1, brain.count("select records from otlp_records_daily where customer_id = 'cust_usage'"
                + " and name = 'claude_code.some.gauge'"), "a gauge is counted by name, once");
    }

    @Test
    void a_cumulative_series_adds_its_differences_and_starts_over_after_a_reset() {
        var cumulative = AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
        Instant restart = START.plusSeconds(200);
        double[] values = {10, 25, 25, 40};
        for (int i = 0; i < values.length; i++) {
            var request = export(sum("claude_code.pull_request.count", cumulative, point(START, START.plusSeconds(10L * (i + 1)), values[i])));
            assertEquals(200, Otlp.post(brain, key, "/v1/metrics", request, i % 2 == 0 ? PROTOBUF : JSON).statusCode());
            assertEquals(200, Otlp.post(brain, key, "/v1/metrics", request, PROTOBUF).statusCode(), "the retry");
        }
        assertEquals(40, value("claude_code.pull_request.count"));
        // The exporter restarted: a new start time, counting from zero again.
        var afterReset = export(sum("claude_code.pull_request.count", cumulative, point(restart, restart.plusSeconds(5), 3)));
        assertEquals(200, Otlp.post(brain, key, "/v1/metrics", afterReset, PROTOBUF).statusCode());
        assertEquals(43, value("claude_code.pull_request.count"));
        assertEquals(0, brain.count("select count(*) from rollup_usage_metric_daily where metric like '%jane%'"));
    }
}
