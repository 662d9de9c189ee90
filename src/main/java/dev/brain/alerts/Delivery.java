package dev.brain.alerts;

import java.util.List;
import org.jdbi.v3.core.Handle;

/** The alert row's record of its last notification per channel: which event, its state, attempts, the last error. */
final class Delivery {
    private Delivery() {
    }

    static void record(Handle h, long alertId, String channel, String kind, String state, int attempts, String error) {
        h.createUpdate("update alerts set delivery = delivery || jsonb_build_object(cast(:channel as text), jsonb_build_object("
                        + "'event', cast(:kind as text), 'state', cast(:state as text), 'attempts', :attempts, 'error', cast(:error as text)))"
                        + " where id = :id")
                .bind("channel", channel).bind("kind", kind).bind("state", state).bind("attempts", attempts)
                .bind("error", error).bind("id", alertId).execute();
    }

    /** The same for notifications just queued (attempt 0, no error), one state per alert id, in one statement. */
    static void recordQueued(Handle h, List<Long> alertIds, String channel, String kind, List<String> states) {
        h.createUpdate("update alerts a set delivery = a.delivery || jsonb_build_object(cast(:channel as text), jsonb_build_object("
                        + "'event', cast(:kind as text), 'state', v.state, 'attempts', 0, 'error', cast(null as text)))"
                        + " from unnest(cast(:ids as bigint[]), cast(:states as text[])) as v(id, state) where a.id = v.id")
                .bind("channel", channel).bind("kind", kind).bindArray("ids", Long.class, alertIds)
                .bindArray("states", String.class, states).execute();
    }
}
