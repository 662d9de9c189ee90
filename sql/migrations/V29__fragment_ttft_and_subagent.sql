-- Claude Code's api_request records say how long the first token took (ttft_ms) and who asked (query_source: the main
-- thread or a subagent, "agent:<name>"). The sessionizer keeps both per LLM record, and the session.end it writes
-- carries them per model (average time to first token, subagent calls). Nullable: other senders have neither.
alter table sessionizer_fragments add column ttft_ms bigint, add column subagent boolean;
