-- One pass over the events with lo < id <= hi, folded into every rollup (dev.brain.analytics.RollupFold).
-- A number beyond the wire contract's bounds (:max_*, from EventValidator) fails the statement, and the
-- job then sets its event aside.
with e as materialized (
  select id, customer_id, agent_id, event_type, session_id, ts, (ts at time zone 'utc')::date as day, payload
  from events where id > :lo and id <= :hi
),
-- The granular carriers of the sessions this chunk touches, near its time range: one range scan each, joined by
-- hash, never a look-up per row (and nothing at all for customers that send no granular events).
win as (
  select min(ts) - interval '1 day' as lo_ts, max(ts) + interval '1 day' as hi_ts from e
),
gmin as materialized (
  select g.agent_id, g.session_id, min(g.id) filter (where g.event_type = 'tool.call') as tool_id,
         min(g.id) filter (where g.event_type = 'llm.call') as llm_id,
         -- [id, epoch, status, category] of each session.update that names either (README "Granular events")
         jsonb_agg(jsonb_build_array(g.id, extract(epoch from g.ts), g.payload -> 'status', g.payload -> 'category'))
           filter (where g.event_type = 'session.update' and (jsonb_exists(g.payload, 'status') or jsonb_exists(g.payload, 'category'))) as updates
  from events g, win
  where g.event_type in ('tool.call', 'llm.call', 'session.update') and g.ts between win.lo_ts and win.hi_ts
    and g.session_id is not null and g.id <= :hi
  group by 1, 2
),
-- Per such session, the first session.end whose embedded list counted (no separate event of its kind before it),
-- and its first end (not a continuation).
wends as materialized (
  select x.agent_id, x.session_id,
         min(x.id) filter (where jsonb_typeof(x.payload -> 'tool_calls') = 'array' and jsonb_array_length(x.payload -> 'tool_calls') > 0
                             and (m.tool_id is null or m.tool_id > x.id)) as tools_end_id,
         min(x.id) filter (where jsonb_typeof(x.payload -> 'llm_usage') in ('array', 'object')
                             and (jsonb_typeof(x.payload -> 'llm_usage') = 'object' or jsonb_array_length(x.payload -> 'llm_usage') > 0)
                             and (m.llm_id is null or m.llm_id > x.id)) as llm_end_id,
         min(x.id) filter (where not jsonb_exists(x.payload, 'continuation')) as first_end_id
  from events x join gmin m on m.agent_id = x.agent_id and m.session_id = x.session_id, win
  where x.event_type = 'session.end' and x.ts between win.lo_ts and win.hi_ts and x.id <= :hi
  group by 1, 2
),
-- A session.end's status and category: its own when present, else the latest session.update (by ts, then id) that
-- arrived before it; without either, success. A continuation end (the sessionizer's, after a late record) has none.
-- The category is only asked of sessions that sent a session.update. Only ends of such sessions reach `told`.
told as (
  select x.id, count(*) as updates,
         (array_agg(v ->> 2 order by (v ->> 1)::numeric desc, (v ->> 0)::bigint desc) filter (where v ->> 2 is not null))[1] as status,
         (array_agg(v ->> 3 order by (v ->> 1)::numeric desc, (v ->> 0)::bigint desc) filter (where v ->> 3 is not null))[1] as category
  from e x join gmin m on m.agent_id = x.agent_id and m.session_id = x.session_id and m.updates is not null,
       jsonb_array_elements(m.updates) v
  where x.event_type = 'session.end' and (v ->> 0)::bigint < x.id
  group by x.id
),
ends as (
  select x.id, x.customer_id, x.agent_id, x.session_id, x.ts, x.day, x.payload,
         coalesce(m.tool_id < x.id, false) as separate_tools, coalesce(m.llm_id < x.id, false) as separate_llm,
         case when not jsonb_exists(x.payload, 'continuation') then coalesce(x.payload ->> 'status', u.status, 'success') end as status,
         case when u.updates > 0 and not jsonb_exists(x.payload, 'continuation') then coalesce(x.payload ->> 'category', u.category) end as category
  from e x left join gmin m on m.agent_id = x.agent_id and m.session_id = x.session_id
  left join told u on u.id = x.id
  where x.event_type = 'session.end'
),
-- A session whose category that rule changes moves from its session.start's category to the new one, on the start's
-- day, once (its first end); only a start that arrived before the end and was counted, so no count goes below zero.
moves as (
  select x.customer_id, (s.ts at time zone 'utc')::date as day,
         coalesce(brain_normalise_category(s.payload ->> 'category'), 'uncategorised') as old_category,
         coalesce(brain_normalise_category(x.category), 'uncategorised') as new_category
  from ends x join wends w on w.agent_id = x.agent_id and w.session_id = x.session_id and w.first_end_id = x.id
  cross join lateral (
    select s.ts, s.payload from events s, win
    where s.session_id = x.session_id and s.customer_id = x.customer_id and s.event_type = 'session.start'
      and s.id < x.id and s.ts between win.lo_ts and win.hi_ts
      and not exists (select 1 from rollup_skipped k where k.id = s.id)
    order by s.id limit 1
  ) s
  where x.category is not null
    and coalesce(brain_normalise_category(s.payload ->> 'category'), 'uncategorised')
        <> coalesce(brain_normalise_category(x.category), 'uncategorised')
),
-- Tool calls and LLM usage count from whichever carried them first, per session (README "Granular events"): a
-- session.end's embedded list unless separate tool.call / llm.call events of its session came before it;
-- separate events unless a session.end whose embedded list counted came before them. Ids order arrivals, and
-- every id below :hi is committed when the job reads (RollupJob). Carriers are compared within about a day.
embedded_tools as (
  select x.customer_id, x.day, t ->> 'name' as name, t -> 'ms' as ms, t -> 'ok' = 'false'::jsonb as failed
  from ends x, jsonb_array_elements(case when jsonb_typeof(x.payload -> 'tool_calls') = 'array'
                                         then x.payload -> 'tool_calls' else '[]'::jsonb end) t
  where jsonb_typeof(t) = 'object' and t ->> 'name' is not null and not x.separate_tools
),
granular_tools as (
  select g.customer_id, g.day, g.payload ->> 'name' as name, g.payload -> 'ms' as ms,
         g.payload -> 'ok' = 'false'::jsonb or coalesce(g.payload ->> 'status' in ('failure', 'timeout'), false) as failed
  from e g left join wends w on w.agent_id = g.agent_id and w.session_id = g.session_id
  where g.event_type = 'tool.call' and g.payload ->> 'name' is not null and not coalesce(w.tools_end_id < g.id, false)
),
tool_rows as (
  select * from embedded_tools union all select * from granular_tools
),
usage as (
  select x.customer_id, x.day, u, u -> 'latency_ms' as latency
  from ends x, jsonb_array_elements(case jsonb_typeof(x.payload -> 'llm_usage')
                                      when 'array' then x.payload -> 'llm_usage'
                                      when 'object' then jsonb_build_array(x.payload -> 'llm_usage')
                                      else '[]'::jsonb end) u
  where jsonb_typeof(u) = 'object' and not x.separate_llm
  union all
  select g.customer_id, g.day, g.payload, g.payload -> 'latency_ms'
  from e g left join wends w on w.agent_id = g.agent_id and w.session_id = g.session_id
  where g.event_type = 'llm.call' and not coalesce(w.llm_end_id < g.id, false)
),
daily as (
  select customer_id, day, sum(sessions) as sessions, sum(success) as success, sum(failed) as failed,
         sum(escalated) as escalated, sum(errors) as errors, sum(cost) as cost, sum(input) as input, sum(output) as output
  from (
    select customer_id, day,
           count(*) filter (where event_type = 'session.start') as sessions, 0 as success, 0 as failed, 0 as escalated,
           count(*) filter (where event_type = 'error') as errors,
           0::numeric as cost, 0::numeric as input, 0::numeric as output
    from e group by 1, 2
    union all
    select customer_id, day, 0, count(*) filter (where status = 'success'), count(*) filter (where status = 'failed'),
           count(*) filter (where status = 'escalated'), 0, 0, 0, 0
    from ends group by 1, 2
    union all
    select customer_id, day, 0, 0, 0, 0, 0,
           coalesce(sum(brain_rollup_number(u -> 'cost_cents', :max_cost_cents, 'payload.llm_usage.cost_cents')), 0),
           coalesce(sum(brain_rollup_number(u -> 'input_tokens', :max_tokens, 'payload.llm_usage.input_tokens')), 0),
           coalesce(sum(brain_rollup_number(u -> 'output_tokens', :max_tokens, 'payload.llm_usage.output_tokens')), 0)
    from usage group by 1, 2
  ) parts group by 1, 2
),
up_daily as (
  insert into rollup_customer_daily as r
    (customer_id, day, sessions, success, failed, escalated, errors, cost_cents, input_tokens, output_tokens)
  select * from daily
  on conflict (day, customer_id) do update set
    sessions = r.sessions + excluded.sessions, success = r.success + excluded.success,
    failed = r.failed + excluded.failed, escalated = r.escalated + excluded.escalated,
    errors = r.errors + excluded.errors, cost_cents = r.cost_cents + excluded.cost_cents,
    input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens
),
up_categories as (
  insert into rollup_category_daily as r (customer_id, day, category, sessions)
  select customer_id, day, category, sum(n) from (
    select customer_id, day, coalesce(brain_normalise_category(payload ->> 'category'), 'uncategorised') as category, 1 as n
    from e where event_type = 'session.start'
    union all select customer_id, day, old_category, -1 from moves
    union all select customer_id, day, new_category, 1 from moves
  ) c
  group by 1, 2, 3 having sum(n) <> 0
  on conflict (day, customer_id, category) do update set sessions = r.sessions + excluded.sessions
),
up_tools as (
  insert into rollup_tool_daily as r (customer_id, day, tool, bucket_ms, calls, failures)
  select customer_id, day, name,
         coalesce(brain_latency_bucket(brain_rollup_number(ms, :max_ms, 'payload.tool_calls.ms')), 0),
         count(*), count(*) filter (where failed)
  from tool_rows
  group by 1, 2, 3, 4
  on conflict (day, customer_id, tool, bucket_ms) do update set
    calls = r.calls + excluded.calls, failures = r.failures + excluded.failures
),
-- The same calls without latency buckets, for the failure_spike alert (V27).
up_tool_calls as (
  insert into rollup_tool_calls_daily as r (customer_id, day, tool, calls, failures)
  select customer_id, day, name, count(*), count(*) filter (where failed)
  from tool_rows
  group by 1, 2, 3
  on conflict (day, customer_id, tool) do update set
    calls = r.calls + excluded.calls, failures = r.failures + excluded.failures
),
up_seen as (
  insert into rollup_agent_seen as r (agent_id, customer_id, last_ts)
  select agent_id, min(customer_id), max(ts) from e group by 1
  on conflict (agent_id) do update set last_ts = greatest(r.last_ts, excluded.last_ts)
),
-- Issue 12: business outcomes, per-model usage and latency, the collector's decisions.
up_business as (
  insert into rollup_business_daily as r (day, customer_id, agent_id, name, events, value_sum)
  select day, customer_id, agent_id, payload ->> 'name', count(*),
         coalesce(sum(case when jsonb_typeof(payload -> 'value') = 'number' then (payload ->> 'value')::float8 end), 0)
  from e where event_type = 'business.event' and payload ->> 'name' is not null
  group by 1, 2, 3, 4
  on conflict (day, customer_id, agent_id, name) do update set
    events = r.events + excluded.events, value_sum = r.value_sum + excluded.value_sum
),
up_models as (
  insert into rollup_model_daily as r (day, customer_id, model, bucket_ms, calls, errors, input_tokens, output_tokens,
                                       cache_read_tokens, cache_creation_tokens, cost_cents, unpriced)
  select day, customer_id, coalesce(u ->> 'model', 'unknown'),
         coalesce(brain_latency_bucket(brain_rollup_number(latency, :max_ms, 'payload.latency_ms')), 0),
         coalesce(sum(coalesce(brain_rollup_number(u -> 'calls', :max_tokens, 'payload.llm_usage.calls'), 1)), 0)::bigint,
         count(*) filter (where u -> 'success' = 'false'::jsonb),
         coalesce(sum(brain_rollup_number(u -> 'input_tokens', :max_tokens, 'payload.llm_usage.input_tokens')), 0),
         coalesce(sum(brain_rollup_number(u -> 'output_tokens', :max_tokens, 'payload.llm_usage.output_tokens')), 0),
         coalesce(sum(brain_rollup_number(coalesce(u -> 'cache_read_tokens', u -> 'cache_read_input_tokens'), :max_tokens,
                                          'payload.llm_usage.cache_read_tokens')), 0),
         coalesce(sum(brain_rollup_number(coalesce(u -> 'cache_creation_tokens', u -> 'cache_creation_input_tokens'), :max_tokens,
                                          'payload.llm_usage.cache_creation_tokens')), 0),
         coalesce(sum(brain_rollup_number(u -> 'cost_cents', :max_cost_cents, 'payload.llm_usage.cost_cents')), 0),
         count(*) filter (where u -> 'cost_cents' is null or jsonb_typeof(u -> 'cost_cents') = 'null')
  from usage
  group by 1, 2, 3, 4
  on conflict (day, customer_id, model, bucket_ms) do update set
    calls = r.calls + excluded.calls, errors = r.errors + excluded.errors,
    input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens,
    cache_read_tokens = r.cache_read_tokens + excluded.cache_read_tokens,
    cache_creation_tokens = r.cache_creation_tokens + excluded.cache_creation_tokens,
    cost_cents = r.cost_cents + excluded.cost_cents, unpriced = r.unpriced + excluded.unpriced
),
up_decisions as (
  insert into rollup_decision_daily as r (day, customer_id, agent_name, events, approved, succeeded)
  select day, customer_id, payload -> 'collector' ->> 'agent_name', count(*),
         count(*) filter (where payload -> 'collector' ->> 'decision' in ('APPROVED', 'CONFIRMED', 'OK', 'APPROVE', 'CONFIRM', 'SUCCESS')),
         count(*) filter (where payload -> 'collector' -> 'success' = 'true'::jsonb)
  from e where jsonb_typeof(payload -> 'collector') = 'object' and payload -> 'collector' ->> 'agent_name' is not null
  group by 1, 2, 3
  on conflict (day, customer_id, agent_name) do update set
    events = r.events + excluded.events, approved = r.approved + excluded.approved, succeeded = r.succeeded + excluded.succeeded
)
-- The events read, and what brain_fold_customer must count differently from the rows alone (the same rules).
select (select count(*) from e) as events,
       array(select id from ends where separate_tools) as skip_end_tools,
       array(select id from ends where separate_llm) as skip_end_llm,
       array(select g.id from e g join wends w on w.agent_id = g.agent_id and w.session_id = g.session_id
             where (g.event_type = 'tool.call' and w.tools_end_id < g.id) or (g.event_type = 'llm.call' and w.llm_end_id < g.id)) as skip_steps,
       array(select id from ends where status is distinct from payload ->> 'status' order by id) as status_ids,
       array(select status from ends where status is distinct from payload ->> 'status' order by id) as statuses,
       array(select customer_id || chr(31) || day || chr(31) || old_category from moves) as moved_from
