package dev.brain.otlp;

import dev.brain.auth.Principal;
import dev.brain.error.BrainException;
import dev.brain.error.InvalidEvent;
import dev.brain.ingest.EventValidator;
import dev.brain.ingest.IngestResult;
import dev.brain.ingest.IngestService;
import dev.brain.metrics.Metrics;
import dev.brain.sessions.Fragment;
import dev.brain.sessions.Sessionizer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The three OTLP signals, decoded, into the brain: each record is mapped on its own (a refused record is counted
 * with its reason through the ingest batch, the rest go on), then the session records go to the sessionizer, the
 * events to the ingest service, the counters to the usage store. Every write is idempotent, so a retried export
 * after a failure half-way counts once.
 */
public final class OtlpReceiver {
    private final IngestService ingest;
    private final Sessionizer sessionizer;
    private final UsageStore usage;
    private final ClaudeCodeLogs logs;
    private final GenAiSpans spans;
    private final UsageMetrics metricsMapper;
    private final Metrics metrics;

    public OtlpReceiver(IngestService ingest, EventValidator validator, Sessionizer sessionizer, UsageStore usage, Clock clock,
                        Duration retention, com.fasterxml.jackson.databind.ObjectMapper json, Metrics metrics) {
        this.ingest = ingest;
        this.sessionizer = sessionizer;
        this.usage = usage;
        var timestamps = new Timestamps(clock, retention);
        this.logs = new ClaudeCodeLogs(json, validator, timestamps);
        this.spans = new GenAiSpans(timestamps);
        this.metricsMapper = new UsageMetrics(timestamps);
        this.metrics = metrics;
        metrics.describe("brain_otlp_records_total", "OTLP records by signal and outcome (stored, counted, rejected)");
    }

    /** How many records were refused and why, for OTLP's partialSuccess. */
    public record Outcome(long rejected, String message) {
    }

    /** One request's mapped records on their way to storage. */
    private final class Collected {
        final String signal;
        final IngestService.Batch batch;
        final List<Fragment> fragments = new ArrayList<>();
        final List<UsageStore.Named> named = new ArrayList<>();
        final List<UsageStore.Point> points = new ArrayList<>();
        int index;

        Collected(String signal, Principal who, String requestId) {
            this.signal = signal;
            this.batch = ingest.open(who, requestId);
            batch.expectMany();
        }

        void take(Supplier<Object> mapping) {
            int at = index++;
            Object out;
            try {
                out = mapping.get();
            } catch (InvalidEvent why) {
                batch.reject(at, null, why);
                return;
            }
            if (out instanceof Mapped m) {
                fragments.addAll(m.fragments());
                if (m.event() != null) {
                    batch.accept(m.event());
                }
                if (m.named() != null) {
                    named.add(m.named());
                }
            } else if (out instanceof UsageStore.Point p) {
                points.add(p);
            } else if (out instanceof UsageStore.Named n) {
                named.add(n);
            }
        }

        /** Every record of a resource whose attributes were refused. */
        void refuseAll(int records, InvalidEvent why) {
            for (int i = 0; i < records; i++) {
                batch.reject(index++, null, why);
            }
        }

        Outcome store(Principal who) {
            sessionizer.record(fragments);
            usage.count(who, named);
            usage.add(who, points);
            IngestResult r = ingest.store(batch);
            int rejected = r.rejected().size();
            metrics.inc("brain_otlp_records_total", index - rejected, "signal", signal, "outcome", "accepted");
            metrics.inc("brain_otlp_records_total", rejected, "signal", signal, "outcome", "rejected");
            return new Outcome(rejected, message(r.rejected()));
        }
    }

    /** A request refused whole (undecodable, too large, wrong type): counted and recorded like /v1/events' refusals. */
    public BrainException refuse(Principal who, String requestId, BrainException e) {
        return ingest.open(who, requestId).refuse(e);
    }

    public Outcome logs(Principal who, String requestId, ExportLogsServiceRequest request) {
        var c = new Collected("logs", who, requestId);
        for (ResourceLogs rl : request.getResourceLogsList()) {
            Origin origin;
            try {
                origin = Origin.of(who, rl.getResource());
            } catch (InvalidEvent why) {
                c.refuseAll(rl.getScopeLogsList().stream().mapToInt(ScopeLogs::getLogRecordsCount).sum(), why);
                continue;
            }
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (LogRecord r : sl.getLogRecordsList()) {
                    c.take(() -> logs.map(origin, r));
                }
            }
        }
        return c.store(who);
    }

    public Outcome metrics(Principal who, String requestId, ExportMetricsServiceRequest request) {
        var c = new Collected("metrics", who, requestId);
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                String prefix = UsageMetrics.seriesPrefix(rm.getResource().getAttributesList(), sm.getScope().getName());
                for (Metric m : sm.getMetricsList()) {
                    for (int i = 0; i < UsageMetrics.points(m); i++) {
                        int point = i;
                        c.take(() -> metricsMapper.point(prefix, m, point));
                    }
                }
            }
        }
        return c.store(who);
    }

    public Outcome traces(Principal who, String requestId, ExportTraceServiceRequest request) {
        var c = new Collected("traces", who, requestId);
        var traces = new GenAiSpans.Traces();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                traces.learn(ss.getSpansList());
            }
        }
        for (ResourceSpans rs : request.getResourceSpansList()) {
            Origin origin;
            try {
                origin = Origin.of(who, rs.getResource());
            } catch (InvalidEvent why) {
                c.refuseAll(rs.getScopeSpansList().stream().mapToInt(ScopeSpans::getSpansCount).sum(), why);
                continue;
            }
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    c.take(() -> spans.map(origin, traces, s));
                }
            }
        }
        return c.store(who);
    }

    // "3 rejected: ts_too_old (2), invalid_field (1)" — codes only, never the records' content.
    private static String message(List<IngestResult.Refusal> refusals) {
        if (refusals.isEmpty()) {
            return "";
        }
        Map<String, Integer> byCode = new TreeMap<>();
        refusals.forEach(r -> byCode.merge(r.code(), 1, Integer::sum));
        var sb = new StringBuilder().append(refusals.size()).append(" rejected:");
        byCode.forEach((code, n) -> sb.append(' ').append(code).append(" (").append(n).append("),"));
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }
}
