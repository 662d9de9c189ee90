package dev.brain.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.analytics.Table;
import dev.brain.config.Alerting;
import dev.brain.error.BadRequest;
import dev.brain.error.NotFound;
import dev.brain.http.AdminAuth;
import dev.brain.http.Params;
import dev.brain.http.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** /v1/alerts: list (JSON or CSV), one alert, acknowledge, mute, and the rules with their settings; admin token. */
public final class AlertRoutes implements Routes {
    private static final Pattern CUSTOMER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}");
    private static final List<String> CSV_COLUMNS = List.of("id", "rule", "subject", "customer_id", "agent_id", "severity", "state",
            "message", "fired_at", "resolved_at", "duration_s", "acked_at");
    private final AlertStore store;
    private final Alerting settings;
    private final AdminAuth admin;
    private final ObjectMapper json;

    public AlertRoutes(AlertStore store, Alerting settings, AdminAuth admin, ObjectMapper json) {
        this.store = store;
        this.settings = settings;
        this.admin = admin;
        this.json = json;
    }

    @Override
    public String metricLabel(String path) {
        return path.equals("/v1/alerts") || path.startsWith("/v1/alerts/") ? "/v1/alerts" : null;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/alerts", this::list);
        routes.get("/v1/alerts/rules", this::rules);
        routes.post("/v1/alerts/mute", this::mute);
        routes.get("/v1/alerts/{id}", ctx -> {
            admin.require(ctx);
            ctx.json(store.get(id(ctx)).toJson(store.now()));
        });
        routes.post("/v1/alerts/{id}/ack", ctx -> {
            String by = admin.require(ctx);
            ctx.json(store.ack(id(ctx), by).toJson(store.now()));
        });
    }

    private void list(Context ctx) {
        admin.require(ctx);
        String state = ctx.queryParam("state") == null ? "firing" : ctx.queryParam("state");
        String customer = customer(ctx.queryParam("customer"));
        List<Alert> alerts = store.list(state, customer, Params.integer(ctx, "limit", 500, 1, 10_000));
        Instant now = store.now();
        if ("csv".equals(ctx.queryParam("format"))) {
            List<List<Object>> rows = new ArrayList<>();
            for (Alert a : alerts) {
                Map<String, Object> m = a.toJson(now);
                rows.add(CSV_COLUMNS.stream().map(m::get).toList());
            }
            ctx.header("Content-Disposition", "inline; filename=\"alerts.csv\"").contentType("text/csv; charset=utf-8")
                    .result(new Table(CSV_COLUMNS, rows).csv());
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("alerts", alerts.stream().map(a -> a.toJson(now)).toList());
        body.put("state", state);
        body.put("customer", customer);
        body.put("generated_at", now.toString());
        ctx.json(body);
    }

    private void rules(Context ctx) {
        admin.require(ctx);
        List<String> learning = store.learning();
        List<Map<String, Object>> rules = new ArrayList<>();
        for (AlertRule r : AlertRule.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", r.id);
            m.put("enabled", r.enabled(settings));
            m.put("severity", r.severity(settings));
            m.put("thresholds", new java.util.TreeMap<>(r.thresholds(settings)));
            m.put("learning", r.learns() ? learning : List.of());
            rules.add(m);
        }
        ctx.json(Map.of("rules", rules, "interval_s", settings.interval().toSeconds()));
    }

    private void mute(Context ctx) {
        admin.require(ctx);
        JsonNode body;
        try {
            body = json.readTree(ctx.body());
        } catch (java.io.IOException e) {
            throw new BadRequest("invalid_json", "the body must be a JSON object: {\"rule\", \"subject\", \"minutes\"}");
        }
        if (body == null || !body.isObject() || !body.path("rule").isTextual()) {
            throw new BadRequest("invalid_json", "the body must be a JSON object with rule (and optionally subject, minutes)");
        }
        String subject = body.path("subject").isTextual() ? body.get("subject").asText() : "";
        int minutes = body.path("minutes").canConvertToInt() ? body.get("minutes").asInt() : 60;
        if (minutes < 1 || minutes > 30 * 24 * 60 || subject.length() > 512) {
            throw new BadRequest("invalid_parameter", "minutes must be from 1 to 43200 and subject at most 512 characters");
        }
        String rule = body.get("rule").asText();
        Instant until = store.mute(rule, subject, Duration.ofMinutes(minutes));
        ctx.json(Map.of("rule", rule, "subject", subject, "until", until.toString()));
    }

    private static long id(Context ctx) {
        String raw = ctx.pathParam("id");
        if (!raw.matches("[0-9]{1,18}")) {
            throw new NotFound("unknown_alert", "no alert " + (raw.length() > 20 ? raw.substring(0, 20) + "..." : raw));
        }
        return Long.parseLong(raw);
    }

    private String customer(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (!CUSTOMER.matcher(raw).matches()) {
            throw new BadRequest("invalid_parameter", "customer must be a customer id (1-128 letters, digits, '_', '-', '.')");
        }
        if (!store.customerExists(raw)) {
            throw new NotFound("unknown_customer", "no customer " + raw);
        }
        return raw;
    }
}
