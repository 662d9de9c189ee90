package dev.brain.sdk;

import dev.brain.sdk.internal.Engine;
import dev.brain.sdk.internal.Event;
import dev.brain.sdk.internal.Limits;
import dev.brain.sdk.internal.Payloads;
import dev.brain.sdk.internal.StackHash;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One unit of an agent's work. Opening it emitted {@code session.start}; {@link #close()} emits
 * {@code session.end} with the status, duration, tool calls, LLM usage and summary gathered here.
 * Safe to use from several threads; every method returns instead of throwing, and does nothing
 * after close or when the client is disabled.
 */
public final class Session implements AutoCloseable {
    private static final int MAX_MODELS = 100;
    private static final int MAX_ATTRIBUTES = 64;
    private static final Set<String> RESERVED = Set.of("status", "category", "duration_ms", "tool_calls",
            "tool_calls_dropped", "llm_usage", "summary_raw", "failure_reason");

    private final Engine engine;
    private final String id;
    private final String category;
    private final long startNanos = System.nanoTime();
    private List<Payloads.ToolCall> tools = new ArrayList<>();
    private long toolsNotKept;
    private Map<String, Payloads.LlmUsage> usage = new LinkedHashMap<>();
    private Map<String, Object> attributes;
    private String summary;
    private String reason;
    private String status = "success";
    private boolean closed;

    Session(Engine engine, String category) {
        this.engine = engine;
        this.id = newId();
        this.category = category == null ? "uncategorized" : category;
        this.closed = engine == null;
    }

    private static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "sess_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }

    /** The {@code session_id} every event of this session carries. */
    public String id() {
        return id;
    }

    /** Records one tool call. At most 1,000 are kept per session; the rest are counted. */
    public synchronized Session tool(String name, long millis, boolean ok) {
        if (closed) {
            return this;
        }
        if (tools.size() < Limits.TOOL_CALLS) {
            tools.add(new Payloads.ToolCall(name == null ? "unknown" : name, millis, ok));
        } else {
            toolsNotKept++;
        }
        return this;
    }

    public Session tool(String name, Duration duration, boolean ok) {
        return tool(name, duration == null ? 0 : safeMillis(duration), ok);
    }

    /** Adds LLM usage; calls for the same model are summed into one entry. */
    public synchronized Session llm(String model, long inputTokens, long outputTokens, double costCents) {
        if (closed) {
            return this;
        }
        String key = model == null ? "unknown" : model;
        Payloads.LlmUsage u = usage.get(key);
        if (u == null) {
            if (usage.size() >= MAX_MODELS) {
                return this;
            }
            u = new Payloads.LlmUsage();
            usage.put(key, u);
        }
        u.add(inputTokens, outputTokens, costCents);
        return this;
    }

    /** A one-line summary of the task; the brain redacts it per the customer's privacy tier. */
    public synchronized Session summary(String text) {
        if (!closed) {
            summary = text;
        }
        return this;
    }

    /** An extra field on {@code session.end}'s payload (the brain keeps unknown fields). */
    public synchronized Session attribute(String key, Object value) {
        if (closed || key == null || RESERVED.contains(key)) {
            return this;
        }
        if (attributes == null) {
            attributes = new LinkedHashMap<>();
        }
        if (attributes.size() < MAX_ATTRIBUTES || attributes.containsKey(key)) {
            attributes.put(key, value);
        }
        return this;
    }

    /** Marks the session failed. A failure is final: a later {@link #escalate} does not undo it. */
    public synchronized Session fail(String reason) {
        if (!closed) {
            status = "failed";
            this.reason = reason;
        }
        return this;
    }

    /** Marks the session failed and emits an {@code error} event (kind, message, stack hash; never the trace). */
    public Session fail(Throwable error) {
        try {
            if (error == null) {
                return fail((String) null);
            }
            String kind = error.getClass().getName();
            String message = error.getMessage() == null ? kind : error.getMessage();
            synchronized (this) {
                if (closed) {
                    return this;
                }
                status = "failed";
                reason = kind + ": " + message;
            }
            engine.enqueue(new Event("error", id, System.currentTimeMillis(),
                    Payloads.error(message, kind, StackHash.of(error))));
        } catch (RuntimeException | StackOverflowError ignored) {
            // a hostile getMessage() must not reach the agent
        }
        return this;
    }

    /** Marks the session escalated to a human, unless it already failed. */
    public synchronized Session escalate(String reason) {
        if (!closed && !"failed".equals(status)) {
            status = "escalated";
            this.reason = reason;
        }
        return this;
    }

    /** Emits {@code session.end}. Only the first call counts. */
    @Override
    public void close() {
        List<Payloads.ToolCall> endTools;
        Map<String, Payloads.LlmUsage> endUsage;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            endTools = tools;
            endUsage = usage;
            tools = Collections.emptyList();
            usage = Collections.emptyMap();
        }
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        engine.enqueue(new Event("session.end", id, System.currentTimeMillis(), Payloads.sessionEnd(status, category,
                millis, endTools, toolsNotKept, endUsage, summary, reason, attributes)));
    }

    void start(String source) {
        if (engine != null) {
            engine.enqueue(new Event("session.start", id, System.currentTimeMillis(), Payloads.sessionStart(category, source)));
        }
    }

    private static long safeMillis(Duration d) {
        try {
            return d.toMillis();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
