package dev.brain.otlp;

import dev.brain.ingest.Envelope;
import dev.brain.sessions.Fragment;
import java.util.List;

/** What one OTLP record became: session records, an event to store, or a count by name (any may be empty). */
record Mapped(List<Fragment> fragments, Envelope event, UsageStore.Named named) {
    static Mapped of(Fragment... fragments) {
        return new Mapped(List.of(fragments), null, null);
    }

    static Mapped counted(UsageStore.Named named) {
        return new Mapped(List.of(), null, named);
    }
}
