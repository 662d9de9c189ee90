package dev.brain.sessions;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * One small record of a session, from any wire format: a tool call, an LLM call, an error, a prompt, a status mark
 * or the session's known end. `id` is deterministic (the same record retried has the same id), so it counts once.
 * Build them with the factories; numbers are already validated (non-negative, within the wire contract's bounds).
 */
public record Fragment(Session session, UUID id, Instant ts, Instant endTs, Kind kind, String name, Boolean ok, Long ms,
                       Usage usage, Long size, Long ttftMs, Boolean subagent) {

    /** Which session a record belongs to, and how that session opens if this record is its first. */
    public record Session(String customerId, String agentId, String sessionId, String category, String source) {
    }

    /**
     * Tokens and cost of one LLM call: inputTokens are the uncached ones (the Messages API's input_tokens), the cache
     * reads and writes apart; costCents null when the sender did not know it (unpriced, never zero).
     */
    public record Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheCreationTokens, BigDecimal costCents) {
    }

    public enum Kind {
        TOOL, LLM, ERROR, PROMPT, STATUS, END;

        String sql() {
            return name().toLowerCase();
        }
    }

    /** A tool call: its name, whether it succeeded, how long it took (ms null when unknown). */
    public static Fragment tool(Session s, UUID id, Instant ts, String name, boolean ok, Long ms) {
        return new Fragment(s, id, ts, null, Kind.TOOL, name, ok, ms, null, null, null, null);
    }

    /** An LLM call of `model` (null when unknown) with its usage and duration. */
    public static Fragment llm(Session s, UUID id, Instant ts, String model, Usage usage, Long ms) {
        return llm(s, id, ts, model, usage, ms, null, null);
    }

    /** An LLM call with its time to first token and whether a subagent made it (each null when unknown). */
    public static Fragment llm(Session s, UUID id, Instant ts, String model, Usage usage, Long ms, Long ttftMs, Boolean subagent) {
        return new Fragment(s, id, ts, null, Kind.LLM, model, null, ms, usage, null, ttftMs, subagent);
    }

    /** An error of `kind`: a session whose last tool/LLM/error record is an error ends failed. */
    public static Fragment error(Session s, UUID id, Instant ts, String kind) {
        return new Fragment(s, id, ts, null, Kind.ERROR, kind, null, null, null, null, null, null);
    }

    /** A user prompt; only its length is kept (the text never reaches the sessionizer). */
    public static Fragment prompt(Session s, UUID id, Instant ts, Long length) {
        return new Fragment(s, id, ts, null, Kind.PROMPT, null, null, null, null, length, null, null);
    }

    /** A status mark that does not end the session: `escalated` (a human was needed) or `failed`. */
    public static Fragment status(Session s, UUID id, Instant ts, String status) {
        return new Fragment(s, id, ts, null, Kind.STATUS, status, null, null, null, null, null, null);
    }

    /** The session's known end (e.g. an invoke_agent root span), from `start` to `end` with its status: closes it at the next run. */
    public static Fragment end(Session s, UUID id, Instant start, Instant end, String status) {
        return new Fragment(s, id, start, end, Kind.END, status, null, null, null, null, null, null);
    }
}
