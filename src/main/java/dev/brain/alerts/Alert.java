package dev.brain.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** One alert row: open while `firing`, then `resolved` with its duration. `values` are the numbers that fired it. */
public record Alert(long id, String rule, String subject, String customerId, String agentId, String severity, String state,
                    String message, JsonNode values, String link, Instant firedAt, Instant lastSeenAt, Instant resolvedAt,
                    Instant ackedAt, String ackedBy, JsonNode delivery) {

    /** Seconds from firing to resolution, or to `now` while it fires. */
    public long durationSeconds(Instant now) {
        return Duration.between(firedAt, resolvedAt == null ? now : resolvedAt).toSeconds();
    }

    /** The alert as the API and the generic webhook show it. */
    public Map<String, Object> toJson(Instant now) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", id);
        m.put("rule", rule);
        m.put("subject", subject);
        m.put("customer_id", customerId);
        m.put("agent_id", agentId);
        m.put("severity", severity);
        m.put("state", state);
        m.put("message", message);
        m.put("values", values);
        m.put("link", link);
        m.put("fired_at", firedAt.toString());
        m.put("resolved_at", resolvedAt == null ? null : resolvedAt.toString());
        m.put("duration_s", durationSeconds(now));
        m.put("acked_at", ackedAt == null ? null : ackedAt.toString());
        m.put("acked_by", ackedBy);
        m.put("delivery", delivery);
        return m;
    }

    static Alert from(ResultSet rs, ObjectMapper json) throws SQLException {
        try {
            return new Alert(rs.getLong("id"), rs.getString("rule"), rs.getString("subject"), rs.getString("customer_id"),
                    rs.getString("agent_id"), rs.getString("severity"), rs.getString("state"), rs.getString("message"),
                    json.readTree(rs.getString("detail")), rs.getString("link"), instant(rs, "fired_at"),
                    instant(rs, "last_seen_at"), instant(rs, "resolved_at"), instant(rs, "acked_at"), rs.getString("acked_by"),
                    json.readTree(rs.getString("delivery")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("alert " + rs.getLong("id") + " holds JSON that does not parse", e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
