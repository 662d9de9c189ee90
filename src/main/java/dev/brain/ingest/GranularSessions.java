package dev.brain.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brain.auth.Principal;
import dev.brain.sessions.Fragment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A request's granular events as the sessionizer's records (README "Granular events"): tool.call, llm.call and a
 * session.update's failed/escalated mark. The sender's own session.end of such a session is not a record: the closing
 * job finds it and writes no second end (sql/queries/sessions/close-due.sql). A session whose own session.start is in
 * the same request is left out: its start and end come from the sender, and the sessionizer would only defer to them.
 * Error events are not steps: an SDK may send one with its session id before that session's start, and it must not
 * open a second session.
 */
final class GranularSessions {
    static final String SOURCE = "granular";
    private static final String UNCATEGORISED = "uncategorised";

    private final List<Envelope> pending = new ArrayList<>();
    private final Set<String> startedHere = new HashSet<>();
    private final Map<String, String> categories = new HashMap<>();

    /** Notes an accepted event (after pricing): granular ones become records, starts and categories are remembered. */
    void take(Envelope e) {
        String session = e.sessionId();
        if (session == null) {
            return;
        }
        switch (e.eventType()) {
            case "session.start" -> startedHere.add(session);
            case "session.update" -> {
                if (e.payload().path("category").isTextual()) {
                    categories.putIfAbsent(session, e.payload().get("category").asText());
                }
                String status = e.payload().path("status").asText("");
                if (status.equals("failed") || status.equals("escalated")) {
                    pending.add(e);
                }
            }
            case "tool.call", "llm.call" -> pending.add(e);
            default -> {
            }
        }
    }

    List<Fragment> fragments(Principal who) {
        List<Fragment> out = new ArrayList<>();
        for (Envelope e : pending) {
            if (startedHere.contains(e.sessionId())) {
                continue;
            }
            var session = new Fragment.Session(who.customerId(), who.agentId(), e.sessionId(),
                    categories.getOrDefault(e.sessionId(), UNCATEGORISED), SOURCE);
            // Event ids are unique per agent; fragment ids per customer: the agent goes into the id.
            UUID id = UUID.nameUUIDFromBytes((who.agentId() + "\u001f" + e.eventId()).getBytes(StandardCharsets.UTF_8));
            ObjectNode pl = e.payload();
            out.add(switch (e.eventType()) {
                case "tool.call" -> Fragment.tool(session, id, e.ts(), pl.get("name").asText(),
                        !(pl.path("ok").isBoolean() && !pl.get("ok").asBoolean())
                                && !Set.of("failure", "timeout").contains(pl.path("status").asText("")),
                        whole(pl.get("ms")));
                case "llm.call" -> Fragment.llm(session, id, e.ts(), pl.get("model").asText(),
                        new Fragment.Usage(count(pl, "input_tokens"), count(pl, "output_tokens"), count(pl, "cache_read_tokens"),
                                count(pl, "cache_creation_tokens"), pl.path("cost_cents").isNumber() ? pl.get("cost_cents").decimalValue() : null),
                        whole(pl.get("latency_ms")));
                default -> Fragment.status(session, id, e.ts(), pl.get("status").asText());
            });
        }
        return out;
    }

    private static long count(ObjectNode p, String field) {
        Long n = whole(p.get(field));
        return n == null ? 0 : n;
    }

    private static Long whole(JsonNode n) {
        return n == null || !n.isNumber() ? null : n.decimalValue().setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
    }
}
