package dev.brain.otlp;

import static dev.brain.otlp.Otlp.JSON;
import static dev.brain.otlp.Otlp.PROTOBUF;
import static dev.brain.otlp.Otlp.claudeCode;
import static dev.brain.otlp.Otlp.nanos;
import static dev.brain.otlp.Otlp.str;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.support.Brain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
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
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageMetricsTest {
    private static final Instant START = Instant.now().minusSeconds(300);
    private static final String ADMIN = "usage-metrics-admin-token-5c1e";
    private Brain brain;
    private String key;

    @BeforeAll
    void start() {
        brain = Brain.start(Map.of("BRAIN_ADMIN_TOKEN", ADMIN));
        key = brain.newAgentKey("cust_usage", "agent_usage", "b");
    }

    @AfterAll
    void stop() {
        brain.close();
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

    @Test
    void the_usage_metrics_question_answers_in_json_and_csv() throws Exception {
        var delta = AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        Instant at = Instant.now().minusSeconds(30);
        var request = export(sum("claude_code.session.count", delta, point(at.minusSeconds(30), at, 1)));
        assertEquals(200, Otlp.post(brain, key, "/v1/metrics", request, PROTOBUF).statusCode());
        var json = get("/v1/analytics/usage-metrics?days=7&customer=cust_usage", "application/json");
        assertEquals(200, json.statusCode(), json.body());
        boolean found = false;
        for (var row : Brain.JSON.readTree(json.body()).get("rows")) {
            found |= row.get("metric").asText().equals("claude_code.session.count") && row.get("value").asDouble() == 1;
        }
        assertEquals(true, found, json.body());
        var csv = get("/v1/analytics/usage-metrics?days=7&customer=cust_usage", "text/csv");
        assertEquals(200, csv.statusCode());
        assertEquals(true, csv.body().startsWith("customer_id,day,metric,value"), csv.body());
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(brain.baseUrl() + path))
                .header("Authorization", "Bearer " + ADMIN).header("Accept", accept).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
