-- Closes up to :batch sessions whose end is known or that were idle for :idleS seconds: one session.end each
-- with the sums of its current generation's records, unless another path (the hooks) reported the session or its
-- sender sent a session.end of it itself.
with due as (
  select customer_id, session_id, generation, agent_id, source, start_event_id, first_ts
  from sessionizer_sessions
  where closed_at is null and (end_known or touched_at < now() - make_interval(secs => :idleS))
  order by touched_at
  limit :batch
  for update skip locked
), f as (
  -- Each record with its session's columns, so everything below is one chain of aggregations and no join: a join
  -- planned on a wrong guess (no statistics right after a burst) re-aggregated every session per session.
  select f.*, d.agent_id as s_agent, d.source as s_source, d.start_event_id, d.first_ts as s_first
  from due d join sessionizer_fragments f
    on f.customer_id = d.customer_id and f.session_id = d.session_id and f.generation = d.generation
), per_model as (
  -- One row per session and model (llm false: everything but LLM calls), then one row per session below.
  select customer_id, session_id, generation, s_agent, s_source, start_event_id, s_first,
         kind = 'llm' as llm, case when kind = 'llm' then name end as model,
         jsonb_agg(jsonb_strip_nulls(jsonb_build_object('name', name, 'ms', ms, 'ok', ok)) order by ts, fragment_id)
           filter (where kind = 'tool') as calls,
         -- input_tokens counts every input token the model read, as the hooks report it; the parts follow.
         jsonb_strip_nulls(jsonb_build_object('model', min(name),
           'input_tokens', sum(input_tokens) + sum(cache_read_tokens) + sum(cache_creation_tokens),
           'uncached_input_tokens', sum(input_tokens), 'output_tokens', sum(output_tokens),
           'cache_read_input_tokens', sum(cache_read_tokens), 'cache_creation_input_tokens', sum(cache_creation_tokens),
           'cost_cents', sum(cost_cents), 'calls', count(*),
           -- Claude Code's api_request: mean time to first token, and calls a subagent made (when the sender says)
           'ttft_ms', round(avg(ttft_ms)),
           'subagent_calls', case when bool_or(subagent is not null) then count(*) filter (where subagent) end)) as u,
         min(ts) as first_ts, max(coalesce(end_ts, ts)) as last_ts,
         count(*) filter (where kind = 'prompt') as prompts,
         count(*) filter (where kind = 'error') as errors,
         bool_or(kind = 'status' and name = 'escalated') as escalated,
         bool_or(kind = 'status' and name = 'failed') as failed_mark,
         (array_agg(name order by ts desc) filter (where kind = 'end'))[1] as end_status,
         max(ts) filter (where kind = 'error') as last_error, max(ts) filter (where kind in ('tool', 'llm')) as last_work
  from f
  group by customer_id, session_id, generation, s_agent, s_source, start_event_id, s_first, kind = 'llm',
           case when kind = 'llm' then name end
), summary as (
  select customer_id, session_id, generation, s_agent, s_source, start_event_id, s_first,
         min(first_ts) as first_ts, max(last_ts) as last_ts,
         (array_agg(calls) filter (where not llm))[1] as calls,
         jsonb_agg(u order by model) filter (where llm) as usage,
         sum(prompts) as prompts, sum(errors) as errors, bool_or(escalated) as escalated, bool_or(failed_mark) as failed_mark,
         max(end_status) as end_status,   -- only the llm = false row has one
         -- the last work record was an error (an error and a call at the same instant: the error)
         max(last_error) >= coalesce(max(last_work), '-infinity') as ended_on_error
  from per_model
  group by customer_id, session_id, generation, s_agent, s_source, start_event_id, s_first
), checked as (
  -- Hooks win: a session.start of this id from another source means the session is already counted (every path that
  -- starts sessions writes one). Asked per session in the select list, so it is always an index probe (V28's hash
  -- index, from a day before the session's first record on), never a join over events.
  select s.*, exists (select 1 from events e
                      where e.session_id = s.session_id and e.customer_id = s.customer_id
                        and e.event_type = 'session.start' and e.ts >= s.s_first - interval '1 day'
                        and (e.payload ->> 'source') is distinct from s.s_source) as hooked,
         -- The sender ended the session itself (its steps came alone, then its own session.end): that end stands and
         -- has the status; V31's index on session.end rows (by the id's hash) makes this one probe too.
         exists (select 1 from events e
                 where hashtext(e.session_id) = hashtext(s.session_id) and e.session_id = s.session_id
                   and e.customer_id = s.customer_id
                   and e.event_type = 'session.end' and e.ts >= s.s_first - interval '1 day'
                   and (e.payload ->> 'source') is distinct from s.s_source) as sender_ended
  from summary s where s.start_event_id is not null
  offset 0
), ends as (
  select s.customer_id, s.session_id, s.s_agent as agent_id, s.last_ts as ts,
         cast(md5('session.end' || chr(31) || s.customer_id || chr(31) || s.session_id || chr(31) || s.generation) as uuid) as event_id,
         jsonb_strip_nulls(jsonb_build_object(
           -- A continuation (late records after the close) adds its calls, tokens and cost but is not a second ended
           -- session: no status, so outcomes count the session once, with its first end's status.
           'status', case when s.generation > 0 then null
                          when s.escalated then 'escalated'
                          when s.end_status = 'failed' or s.failed_mark or (s.end_status is null and s.ended_on_error) then 'failed'
                          else 'success' end,
           'duration_ms', floor(extract(epoch from s.last_ts - s.first_ts) * 1000)::bigint,
           'tool_calls', coalesce(s.calls, '[]'::jsonb),
           'llm_usage', coalesce(s.usage, '[]'::jsonb),
           'prompts', s.prompts,
           'errors', s.errors,
           'source', s.s_source,
           'continuation', nullif(s.generation, 0))) as payload
  from checked s
  -- The sender wrote this generation's session.end itself: close without a second one (its end has the status).
  where not s.hooked and not s.sender_ended
), fresh as (
  insert into event_keys (event_id, agent_id, ts) select event_id, agent_id, ts from ends
  on conflict (event_id, agent_id) do nothing
  returning event_id, agent_id
), written as (
  insert into events (ts, customer_id, agent_id, event_type, session_id, event_id, payload)
  select e.ts, e.customer_id, e.agent_id, 'session.end', e.session_id, e.event_id, e.payload
  from ends e join fresh k on k.event_id = e.event_id and k.agent_id = e.agent_id
  returning 1
), closed as (
  update sessionizer_sessions s set closed_at = now(), end_known = false
  from due d where s.customer_id = d.customer_id and s.session_id = d.session_id
  returning 1
)
select (select count(*) from closed) as closed, (select count(*) from written) as written
