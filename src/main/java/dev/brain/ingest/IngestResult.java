package dev.brain.ingest;

import java.util.List;

/** What the client is told: 202 when nothing was refused, 207 otherwise. */
public record IngestResult(int accepted, int duplicates, List<Refusal> rejected) {

    public record Refusal(int index, String event_id, String code, String message) {
    }

    public int status() {
        return rejected.isEmpty() ? 202 : 207;
    }
}
