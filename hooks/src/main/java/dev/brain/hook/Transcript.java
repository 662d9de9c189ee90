package dev.brain.hook;

import dev.brain.sdk.internal.JsonReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a session's transcript (and its subagents' transcripts) says: tokens per model with each
 * API response counted once, the last assistant text, when it began, and the client's own cost.
 * Claude Code calls the format internal, so every field is optional and an unreadable line is skipped.
 */
final class Transcript {
    private static final String SYNTHETIC = "<synthetic>";

    /** What the transcripts hold. {@code costUsd}: cost-state per model, minus what it said before this session. */
    record Result(Map<String, Usage> usage, String lastAssistantText, Instant firstTimestamp,
                  Map<String, Double> costUsd, boolean clientCostIncomplete, Map<String, ToolUse> tools) {
    }

    /** A tool_use block and, once it came, its tool_result: the transcript's own record of a tool call. */
    record ToolUse(String name, Instant started, Instant ended, boolean ok) {
        ToolUse finished(Instant at, boolean isError) {
            return new ToolUse(name, started, at, !isError);
        }
    }

    // message.id -> usage of that response; one map across all files, so a response is counted once wherever it appears.
    private final Map<String, Usage> responses = new LinkedHashMap<>();
    private final Map<String, Double> costBefore = new LinkedHashMap<>();
    // tool_use id -> the call, in transcript order (main, then subagents).
    private final Map<String, ToolUse> tools = new LinkedHashMap<>();
    private Map<String, Double> costAfter;
    private boolean unknownModelCost;
    private String lastText;
    private Instant first;
    private long anonymous;

    private Transcript() {
    }

    /**
     * Reads {@code main} and {@code <main without .jsonl>/subagents/*.jsonl}. Bytes before
     * {@code skip.get(file)} belong to an earlier session (a resume appends to the same file):
     * their usage is not counted, and their cost-state becomes the baseline.
     */
    static Result read(Path main, Map<String, Long> skip) {
        Transcript t = new Transcript();
        if (main == null) {
            return t.result();
        }
        t.file(main, skip.getOrDefault(main.toString(), 0L), true);
        String name = main.getFileName().toString();
        Path subagents = main.resolveSibling(name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name)
                .resolve("subagents");
        if (Files.isDirectory(subagents)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(subagents, "*.jsonl")) {
                for (Path f : files) {
                    t.file(f, skip.getOrDefault(f.toString(), 0L), false);
                }
            } catch (IOException | RuntimeException e) {
                Debug.log("subagent transcripts unreadable: " + e);
            }
        }
        return t.result();
    }

    private Result result() {
        Map<String, Usage> perModel = new LinkedHashMap<>();
        for (Usage u : responses.values()) {
            perModel.merge(u.model(), u, Usage::plus);
        }
        Map<String, Double> cost = new LinkedHashMap<>();
        if (costAfter != null) {
            costAfter.forEach((model, usd) -> cost.put(model, usd - costBefore.getOrDefault(model, 0.0)));
        }
        return new Result(perModel, lastText, first, cost, unknownModelCost, tools);
    }

    private void file(Path file, long skipBytes, boolean main) {
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            boolean before = skipBytes > 0 && skipBytes <= size;
            long position = 0;
            // InputStreamReader replaces malformed UTF-8 instead of throwing.
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
            for (String line; (line = r.readLine()) != null; ) {
                if (before) {
                    position += line.getBytes(StandardCharsets.UTF_8).length + 1;
                    before = position < skipBytes;
                    if (line.contains("\"cost-state\"")) {
                        costState(line, costBefore);
                    }
                    continue;
                }
                line(line, main);
            }
        } catch (IOException | RuntimeException e) {
            Debug.log("transcript " + file + " unreadable: " + e);
        }
    }

    private void line(String line, boolean main) {
        boolean assistant = line.contains("\"assistant\"");
        if (main && first == null && line.contains("\"timestamp\"")) {
            first = instant(object(line));
        }
        if (!assistant) {
            if (main && line.contains("\"cost-state\"")) {
                costAfter = new LinkedHashMap<>();
                costState(line, costAfter);
            } else if (line.contains("\"tool_result\"")) {
                toolResults(object(line));
            }
            return;
        }
        Map<?, ?> o = object(line);
        if (o == null || !"assistant".equals(o.get("type")) || !(o.get("message") instanceof Map<?, ?> m)) {
            return;
        }
        toolUses(o, m.get("content"));
        Object model = m.get("model");
        if (!(model instanceof String name) || name.isEmpty() || SYNTHETIC.equals(name)) {
            return;
        }
        if (m.get("usage") instanceof Map<?, ?> u) {
            Usage usage = usage(name, u);
            Object id = m.get("id");
            String key = id instanceof String s && !s.isEmpty() ? s : "line-" + (anonymous++);
            responses.merge(key, usage, Usage::max);
        }
        if (main && !Boolean.TRUE.equals(o.get("isSidechain"))) {
            String text = text(m.get("content"));
            if (text != null) {
                lastText = text;
            }
        }
    }

    private void toolUses(Map<?, ?> line, Object content) {
        if (!(content instanceof List<?> blocks)) {
            return;
        }
        Instant at = instant(line);
        for (Object b : blocks) {
            if (b instanceof Map<?, ?> block && "tool_use".equals(block.get("type")) && block.get("id") instanceof String id
                    && block.get("name") instanceof String name) {
                tools.putIfAbsent(id, new ToolUse(name, at, null, true));
            }
        }
    }

    private void toolResults(Map<?, ?> line) {
        if (line == null || !(line.get("message") instanceof Map<?, ?> m) || !(m.get("content") instanceof List<?> blocks)) {
            return;
        }
        Instant at = instant(line);
        for (Object b : blocks) {
            if (b instanceof Map<?, ?> block && "tool_result".equals(block.get("type"))
                    && block.get("tool_use_id") instanceof String id && tools.get(id) != null) {
                tools.computeIfPresent(id, (k, use) -> use.finished(at, Boolean.TRUE.equals(block.get("is_error"))));
            }
        }
    }

    private static Instant instant(Map<?, ?> line) {
        if (line != null && line.get("timestamp") instanceof String ts) {
            try {
                return Instant.parse(ts);
            } catch (DateTimeParseException notOne) {
                return null;
            }
        }
        return null;
    }

    private static Usage usage(String model, Map<?, ?> u) {
        long cacheWrite = count(u.get("cache_creation_input_tokens"));
        long oneHour = 0;
        if (u.get("cache_creation") instanceof Map<?, ?> c) {
            oneHour = Math.min(cacheWrite, count(c.get("ephemeral_1h_input_tokens")));
        }
        return new Usage(model, count(u.get("input_tokens")), cacheWrite - oneHour, oneHour,
                count(u.get("cache_read_input_tokens")), count(u.get("output_tokens")));
    }

    private void costState(String line, Map<String, Double> into) {
        Map<?, ?> o = object(line);
        if (o == null || !"cost-state".equals(o.get("type")) || !(o.get("modelUsage") instanceof Map<?, ?> models)) {
            return;
        }
        into.clear();
        unknownModelCost = Boolean.TRUE.equals(o.get("hasUnknownModelCost"));
        for (Map.Entry<?, ?> e : models.entrySet()) {
            if (e.getKey() instanceof String model && e.getValue() instanceof Map<?, ?> m && m.get("costUSD") instanceof Number usd) {
                into.put(model, usd.doubleValue());
            }
        }
    }

    // Text blocks of one assistant line, joined; tool_use and thinking blocks are not a summary.
    private static String text(Object content) {
        if (content instanceof String s) {
            return s.isBlank() ? null : s;
        }
        if (!(content instanceof List<?> blocks)) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (Object b : blocks) {
            if (b instanceof Map<?, ?> block && "text".equals(block.get("type")) && block.get("text") instanceof String t
                    && !t.isBlank()) {
                parts.add(t);
            }
        }
        return parts.isEmpty() ? null : String.join(" ", parts);
    }

    private static Map<?, ?> object(String line) {
        try {
            return JsonReader.parse(line) instanceof Map<?, ?> m ? m : null;
        } catch (JsonReader.Malformed | StackOverflowError e) {
            return null;
        }
    }

    private static long count(Object n) {
        return n instanceof Number v && v.longValue() > 0 ? v.longValue() : 0;
    }
}
