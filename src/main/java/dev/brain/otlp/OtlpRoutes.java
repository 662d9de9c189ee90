package dev.brain.otlp;

import com.google.protobuf.Message;
import dev.brain.auth.Principal;
import dev.brain.error.BadRequest;
import dev.brain.error.TooLarge;
import dev.brain.error.UnsupportedMediaType;
import dev.brain.ingest.IngestGate;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.util.Set;

/**
 * OTLP/HTTP: POST /v1/logs, /v1/metrics, /v1/traces with a brain key as the bearer, through the same ingest gate as
 * /v1/events (rate limit, slots, body limits, gzip). 200 with the Export*ServiceResponse in the request's encoding,
 * with partialSuccess when records were refused; errors are the brain's {"error","message"} with OTLP's statuses.
 */
public final class OtlpRoutes implements dev.brain.http.Routes {
    private static final Set<String> PATHS = Set.of("/v1/logs", "/v1/metrics", "/v1/traces");
    private final IngestGate gate;
    private final OtlpReceiver receiver;
    private final OtlpCodec codec;

    public OtlpRoutes(IngestGate gate, OtlpReceiver receiver, com.fasterxml.jackson.databind.ObjectMapper json) {
        this.gate = gate;
        this.receiver = receiver;
        this.codec = new OtlpCodec(json);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/logs", ctx -> export(ctx, (who, id, body, enc) -> {
            var o = receiver.logs(who, id, codec.decode(body, enc, ExportLogsServiceRequest.getDefaultInstance()));
            var r = ExportLogsServiceResponse.newBuilder();
            if (o.rejected() > 0) {
                r.setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(o.rejected()).setErrorMessage(o.message()));
            }
            return r.build();
        }));
        routes.post("/v1/metrics", ctx -> export(ctx, (who, id, body, enc) -> {
            var o = receiver.metrics(who, id, codec.decode(body, enc, ExportMetricsServiceRequest.getDefaultInstance()));
            var r = ExportMetricsServiceResponse.newBuilder();
            if (o.rejected() > 0) {
                r.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder().setRejectedDataPoints(o.rejected()).setErrorMessage(o.message()));
            }
            return r.build();
        }));
        routes.post("/v1/traces", ctx -> export(ctx, (who, id, body, enc) -> {
            var o = receiver.traces(who, id, codec.decode(body, enc, ExportTraceServiceRequest.getDefaultInstance()));
            var r = ExportTraceServiceResponse.newBuilder();
            if (o.rejected() > 0) {
                r.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(o.rejected()).setErrorMessage(o.message()));
            }
            return r.build();
        }));
    }

    @Override
    public String metricLabel(String path) {
        return PATHS.contains(path) ? path : null;
    }

    private interface Export {
        Message handle(Principal who, String requestId, byte[] body, OtlpCodec.Encoding encoding);
    }

    private void export(Context ctx, Export export) {
        try (IngestGate.Admitted admitted = gate.admit(ctx)) {
            String requestId = ctx.res().getHeader("X-Request-Id");
            Message response;
            OtlpCodec.Encoding encoding;
            try {
                encoding = OtlpCodec.encoding(ctx.contentType());
                byte[] body = gate.readBody(ctx, admitted);
                response = export.handle(admitted.who(), requestId, body, encoding);
            } catch (BadRequest | UnsupportedMediaType | TooLarge e) {
                throw receiver.refuse(admitted.who(), requestId, e);
            }
            ctx.status(200).contentType(encoding.contentType).result(codec.encode(response, encoding));
        }
    }
}
