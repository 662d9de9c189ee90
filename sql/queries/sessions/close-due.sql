-- Closes up to :batch sessions whose end is known or that were idle for :idleS seconds: one session.end each
-- with the sums of its current generation's records, unless another path (the hooks) reported the session.
with due as (
  select customer_id, session_id, generation, agent_id, source, start_event_id
  from sessionizer_sessions
  where closed_at is null and (end_known or touched_at < now() - make_interval(secs => :idleS))
  order by touched_at
  limit :batch
  for update skip locked
), f as (
  select f.* from due d join sessionizer_fragments f
    on f.customer_id = d.customer_id and f.session_id = d.session_id and f.generation = d.generation
), tools as (
  select customer_id, session_id,
         jsonb_agg(jsonb_strip_nulls(jsonb_build_object('name', name, 'ms', ms, 'ok', ok)) order by ts, fragment_id) as calls
  from f where kind = 'tool' group by 1, 2
), models as (
  select customer_id, session_id, name,
         -- input_tokens counts every input token the model read, as the hooks report it; the parts follow.
         jsonb_strip_nulls(jsonb_build_object('model', name,
           'input_tokens', sum(input_tokens) + sum(cache_read_tokens) + sum(cache_creation_tokens),
           'uncached_input_tokens', sum(input_tokens), 'output_tokens', sum(output_tokens),
           'cache_read_input_tokens', sum(cache_read_tokens), 'cache_creation_input_tokens', sum(cache_creation_tokens),
           'cost_cents', sum(cost_cents), 'calls', count(*))) as u
  from f where kind = 'llm' group by 1, 2, 3
), usage as (
  select customer_id, session_id, jsonb_agg(u order by name nulls last) as usage from models group by 1, 2
), summary as (
  select customer_id, session_id, min(ts) as first_ts, max(coalesce(end_ts, ts)) as last_ts,
         count(*) filter (where kind = 'prompt') as prompts,
         count(*) filter (where kind = 'error') as errors,
         bool_or(kind = 'status' and name = 'escalated') as escalated,
         bool_or(kind = 'status' and name = 'failed') as failed_mark,
         (array_agg(name order by ts desc) filter (where kind = 'end'))[1] as end_status,
         (array_agg(kind order by ts desc, kind = 'error' desc) filter (where kind in ('tool', 'llm', 'error')))[1] = 'error'
           as ended_on_error
  from f group by 1, 2
), ends as (
  select d.customer_id, d.session_id, d.agent_id, s.last_ts as ts,
         cast(md5('session.end' || chr(31) || d.customer_id || chr(31) || d.session_id || chr(31) || d.generation) as uuid) as event_id,
         jsonb_strip_nulls(jsonb_build_object(
           'status', case when s.escalated then 'escalated'
                          when s.end_status = 'failed' or s.failed_mark or (s.end_status is null and s.ended_on_error) then 'failed'
                          else 'success' end,
           'duration_ms', floor(extract(epoch from s.last_ts - s.first_ts) * 1000)::bigint,
           'tool_calls', coalesce(t.calls, '[]'::jsonb),
           'llm_usage', coalesce(u.usage, '[]'::jsonb),
           'prompts', s.prompts,
           'errors', s.errors,
           'source', d.source,
           'continuation', nullif(d.generation, 0))) as payload
  from due d
  join summary s on s.customer_id = d.customer_id and s.session_id = d.session_id
  left join tools t on t.customer_id = d.customer_id and t.session_id = d.session_id
  left join usage u on u.customer_id = d.customer_id and u.session_id = d.session_id
  -- Hooks win: a session.start or session.end of this id from another source means the session is already counted.
  where d.start_event_id is not null
    and not exists (select 1 from events e
                    where e.session_id = d.session_id and e.customer_id = d.customer_id
                      and e.event_type in ('session.start', 'session.end')
                      and (e.payload ->> 'source') is distinct from d.source)
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
