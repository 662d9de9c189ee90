package dev.brain.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brain.config.Alerting;
import dev.brain.metrics.Metrics;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Queues a fired or resolved alert for each channel whose severity routing takes it, in the caller's transaction:
 * the alert change and its notifications commit together or not at all. The body is fixed here, from the alert's
 * ids, numbers and message (never a summary or an error message). Past BRAIN_ALERT_QUEUE_MAX pending, it is dropped.
 */
final class Outbox {
    static final String CHANNEL_SLACK = "slack";
    static final String CHANNEL_WEBHOOK = "webhook";
    static final String METRIC = "brain_alert_notifications_total";
    private final Alerting settings;
    private final ObjectMapper json;
    private final Metrics metrics;

    Outbox(Alerting settings, ObjectMapper json, Metrics metrics) {
        this.settings = settings;
        this.json = json;
        this.metrics = metrics;
    }

    /** The channels configured (a URL is set). */
    List<String> channels() {
        var out = new ArrayList<String>();
        if (!settings.slackUrl().isEmpty()) {
            out.add(CHANNEL_SLACK);
        }
        if (!settings.webhookUrl().isEmpty()) {
            out.add(CHANNEL_WEBHOOK);
        }
        return out;
    }

    /**
     * Queues `kind` ("fired" or "resolved") of each alert, in the list's order; returns how many notifications were queued.
     * Per channel: one count of what is pending, one insert of the notifications, one update of the alerts' delivery records.
     */
    int enqueue(Handle tx, List<Alert> alerts, String kind, Instant now) {
        if (alerts.isEmpty()) {
            return 0;
        }
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        int queued = 0;
        for (String channel : channels()) {
            Set<String> severities = CHANNEL_SLACK.equals(channel) ? settings.slackSeverities() : settings.webhookSeverities();
            List<Alert> routed = alerts.stream().filter(a -> severities.contains(a.severity())).toList();
            if (routed.isEmpty()) {
                continue;
            }
            long pending = tx.createQuery("select count(*) from alert_notifications where state = 'pending'").mapTo(Long.class).one();
            List<Long> ids = new ArrayList<>();
            List<String> bodies = new ArrayList<>();
            List<String> states = new ArrayList<>();
            for (Alert a : routed) {
                if (pending >= settings.queueMax()) {
                    states.add("dropped");
                    metrics.inc(METRIC, "channel", channel, "outcome", "dropped");
                    continue;
                }
                ids.add(a.id());
                bodies.add(CHANNEL_SLACK.equals(channel) ? slack(a, kind, now) : webhook(a, kind, now));
                states.add("pending");
                pending++;
                queued++;
            }
            if (!ids.isEmpty()) {
                // Ids ascend in the list's order: notifications of one alert are sent in id order.
                tx.createUpdate("insert into alert_notifications (alert_id, channel, kind, body, created_at, next_attempt_at)"
                                + " select v.id, :channel, :kind, v.body, :at, :at"
                                + " from unnest(cast(:ids as bigint[]), cast(:bodies as text[])) with ordinality as v(id, body, n) order by v.n")
                        .bind("channel", channel).bind("kind", kind).bind("at", at)
                        .bindArray("ids", Long.class, ids).bindArray("bodies", String.class, bodies).execute();
            }
            Delivery.recordQueued(tx, routed.stream().map(Alert::id).toList(), channel, kind, states);
        }
        return queued;
    }

    private String webhook(Alert a, String kind, Instant now) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", kind);
        body.putAll(a.toJson(now));
        body.remove("delivery");
        return write(body);
    }

    private String slack(Alert a, String kind, Instant now) {
        String head = ("fired".equals(kind) ? "🔴" : "✅") + " [" + a.severity() + "] " + a.rule() + " " + kind;
        String tail = "resolved".equals(kind) ? " (after " + a.durationSeconds(now) / 60 + " min)" : "";
        String link = a.link().startsWith("http") ? "\n<" + a.link() + "|Open in the dashboard>" : "";
        Map<String, Object> section = Map.of("type", "section", "text",
                Map.of("type", "mrkdwn", "text", "*" + escape(head) + "*" + tail + "\n" + escape(a.message()) + link));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", head + ": " + a.message() + tail);
        body.put("blocks", List.of(section));
        return write(body);
    }

    // Slack's mrkdwn control characters; subjects carry client-chosen names (tools, sessions).
    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
