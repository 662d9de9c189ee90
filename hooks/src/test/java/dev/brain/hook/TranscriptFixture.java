package dev.brain.hook;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The fixture transcripts laid out as Claude Code does: {@code <id>.jsonl} and {@code <id>/subagents/agent-*.jsonl}. */
public final class TranscriptFixture {
    /** What the fixtures imply, by the dedupe rule: each message.id once, its largest output_tokens. */
    public static final long SONNET_INPUT = 457;
    public static final long SONNET_OUTPUT = 83;
    public static final double SONNET_CENTS = 0.1914;
    public static final long HAIKU_INPUT = 150;
    public static final long HAIKU_OUTPUT = 23;
    public static final double HAIKU_CENTS = 0.0238;
    public static final String SUMMARY = "Done: fixed the failing test in FooTest.java.";

    private TranscriptFixture() {
    }

    /** Writes the fixtures for {@code sessionId} under {@code projectDir}; returns the main transcript. */
    public static Path write(Path projectDir, String sessionId) throws IOException {
        Path main = projectDir.resolve(sessionId + ".jsonl");
        Path subagents = projectDir.resolve(sessionId).resolve("subagents");
        Files.createDirectories(subagents);
        copy("/fixtures/session.jsonl", main);
        copy("/fixtures/subagents/agent-a1b2c3.jsonl", subagents.resolve("agent-a1b2c3.jsonl"));
        return main;
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = TranscriptFixture.class.getResourceAsStream(resource)) {
            Files.copy(in, to);
        }
    }
}
