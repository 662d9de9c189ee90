package dev.brain.sdk.internal;

import java.time.Instant;
import java.util.UUID;

/** Turns an {@link Event} into its wire envelope (SPEC §4.1), minting the event id. */
public final class Envelopes {

    private Envelopes() {
    }

    /** The envelope JSON, or null when the payload cannot be brought under the brain's limit. */
    public static String toJson(Event e, UUID eventId) {
        StringBuilder payload = null;
        for (int level = 0; ; level++) {
            StringBuilder attempt = new StringBuilder(256);
            if (!e.payload.write(attempt, level)) {
                return null;
            }
            if (utf8Length(attempt) <= Limits.PAYLOAD_BYTES) {
                payload = attempt;
                break;
            }
        }
        StringBuilder out = new StringBuilder(payload.length() + 160);
        out.append("{\"event_id\":\"").append(eventId).append("\",\"ts\":\"");
        out.append(Instant.ofEpochMilli(e.timestampMillis)).append("\",\"event_type\":");
        Json.string(out, e.type, Limits.SHORT_STRING);
        out.append(",\"session_id\":");
        Json.string(out, e.sessionId, Limits.SHORT_STRING);
        out.append(",\"payload\":").append(payload).append('}');
        return out.toString();
    }

    static int utf8Length(CharSequence s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
