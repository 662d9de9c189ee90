package dev.brain.hook;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code session.end} payload from a session's log and its transcripts (SPEC §4.1, plus a few extra fields). */
final class EndPayload {
    private static final int MAX_SUMMARY = 4000;
    private static final int MAX_TOOL_CALLS = 1000;
    // The SDK refuses payloads over ~31 KiB; tool calls are what grows, so they are thinned below this first.
    private static final int TOOL_CALL_BYTES = 24 * 1024;

    private EndPayload() {
    }

    static Map<String, Object> build(List<SessionRecord> records, Transcript.Result transcript, Prices prices,
                                     String category, long durationMillis, String endReason) {
        Map<String, Object> p = new LinkedHashMap<>();
        String failure = null;
        String escalation = null;
        for (SessionRecord r : records) {
            if (r instanceof SessionRecord.Fail fail) {
                failure = fail.reason();
            } else if (r instanceof SessionRecord.Escalate escalate && escalation == null) {
                escalation = escalate.reason();
            }
        }
        p.put("status", failure != null ? "failed" : escalation != null ? "escalated" : "success");
        p.put("category", category);
        p.put("source", HookEventHandler.SOURCE);
        if (durationMillis >= 0) {
            p.put("duration_ms", durationMillis);
        }
        List<Map<String, Object>> calls = toolCalls(records, transcript.tools());
        int kept = keptToolCalls(calls);
        p.put("tool_calls", calls.subList(0, kept));
        if (kept < calls.size()) {
            p.put("tool_calls_dropped", calls.size() - kept);
        }
        llmUsage(p, transcript, prices);
        if (transcript.lastAssistantText() != null) {
            p.put("summary_raw", Text.oneLine(transcript.lastAssistantText(), MAX_SUMMARY));
        }
        if (failure != null || escalation != null) {
            p.put("failure_reason", failure != null ? failure : escalation);
        }
        p.put("end_reason", endReason);
        return p;
    }

    // In log order; a call without duration_ms is timed from its PreToolUse, else counted as 0 ms. Then the
    // finished calls the transcripts hold whose (async) hook had not been logged yet, timed from the transcript.
    private static List<Map<String, Object>> toolCalls(List<SessionRecord> records, Map<String, Transcript.ToolUse> transcript) {
        Map<String, Long> pre = new HashMap<>();
        Set<String> logged = new HashSet<>();
        boolean identified = true;
        List<Map<String, Object>> calls = new ArrayList<>();
        for (SessionRecord r : records) {
            if (r instanceof SessionRecord.Pre p) {
                pre.put(p.toolUseId(), p.at());
            } else if (r instanceof SessionRecord.Tool tool) {
                if (tool.toolUseId() != null) {
                    logged.add(tool.toolUseId());
                } else {
                    identified = false;
                }
                long ms = tool.durationMs();
                Long began = tool.toolUseId() == null ? null : pre.get(tool.toolUseId());
                if (ms < 0 && began != null && began >= 0) {
                    ms = Math.max(0, (tool.at() < 0 ? began : tool.at()) - began);
                }
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("name", Text.orElse(tool.name(), "unknown"));
                call.put("ms", Math.max(0, ms));
                call.put("ok", tool.ok());
                calls.add(call);
            }
        }
        if (!identified) {
            // A hook without tool_use_id cannot be matched to the transcript: adding its calls could count twice.
            return calls;
        }
        transcript.forEach((id, use) -> {
            if (use.ended() != null && !logged.contains(id)) {
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("name", use.name());
                call.put("ms", use.started() == null ? 0 : Math.max(0, use.ended().toEpochMilli() - use.started().toEpochMilli()));
                call.put("ok", use.ok());
                calls.add(call);
            }
        });
        return calls;
    }

    private static int keptToolCalls(List<Map<String, Object>> calls) {
        int bytes = 0;
        for (int i = 0; i < calls.size(); i++) {
            bytes += ((String) calls.get(i).get("name")).length() * 3 + 40;
            if (i == MAX_TOOL_CALLS || bytes > TOOL_CALL_BYTES) {
                return i;
            }
        }
        return calls.size();
    }

    /**
     * One entry per model. Cost: what Claude Code itself computed (its cost-state record) when it has
     * the model, else the price table, else null with the model listed in {@code unpriced_models}.
     */
    private static void llmUsage(Map<String, Object> p, Transcript.Result t, Prices prices) {
        List<Map<String, Object>> usage = new ArrayList<>();
        List<String> unpriced = new ArrayList<>();
        for (Usage u : t.usage().values()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("model", u.model());
            entry.put("input_tokens", u.allInput());
            entry.put("output_tokens", u.output());
            Double reported = t.costUsd().get(u.model());
            Double cents;
            String basis;
            if (reported != null && reported >= 0 && !(reported == 0 && t.clientCostIncomplete())) {
                cents = Prices.roundCents(reported * 100);
                basis = "claude-code";
            } else {
                cents = prices.cents(u);
                basis = cents == null ? "unpriced" : "price-table";
            }
            if (cents == null) {
                unpriced.add(u.model());
            }
            entry.put("cost_cents", cents);
            entry.put("cost_basis", basis);
            entry.put("uncached_input_tokens", u.input());
            entry.put("cache_creation_input_tokens", u.cacheWrite());
            entry.put("cache_read_input_tokens", u.cacheRead());
            usage.add(entry);
        }
        p.put("llm_usage", usage);
        if (!unpriced.isEmpty()) {
            p.put("unpriced_models", unpriced);
        }
    }
}
