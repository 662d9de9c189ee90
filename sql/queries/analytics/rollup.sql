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
         min(g.id) filter (where g.event_type = 'llm.call') as llm_id
  from events g, win
  where g.event_type in ('tool.call', 'llm.call') and g.ts between win.lo_ts and win.hi_ts
    and g.session_id is not null and g.id <= :hi
  group by 1, 2
),
-- Per such session, the first session.end whose embedded list counted (no separate event of its kind before it).
wends as materialized (
  select x.agent_id, x.session_id,
         min(x.id) filter (where jsonb_typeof(x.payload -> 'tool_calls') = 'array' and jsonb_array_length(x.payload -> 'tool_calls') > 0
                             and (m.tool_id is null or m.tool_id > x.id)) as tools_end_id,
         min(x.id) filter (where jsonb_typeof(x.payload -> 'llm_usage') in ('array', 'object')
                             and (jsonb_typeof(x.payload -> 'llm_usage') = 'object' or jsonb_array_length(x.payload -> 'llm_usage') > 0)
                             and (m.llm_id is null or m.llm_id > x.id)) as llm_end_id
  from events x join gmin m on m.agent_id = x.agent_id and m.session_id = x.session_id, win
  where x.event_type = 'session.end' and x.ts between win.lo_ts and win.hi_ts and x.id <= :hi
  group by 1, 2
),
ends as (
  select x.id, x.customer_id, x.agent_id, x.session_id, x.ts, x.day, x.payload,
         coalesce(m.tool_id < x.id, false) as separate_tools, coalesce(m.llm_id < x.id, false) as separate_llm
  from e x left join gmin m on m.agent_id = x.agent_id and m.session_id = x.session_id
  where x.event_type = 'session.end'
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
           count(*) filter (where event_type = 'session.start') as sessions,
           count(*) filter (where event_type = 'session.end' and payload ->> 'status' = 'success') as success,
           count(*) filter (where event_type = 'session.end' and payload ->> 'status' = 'failed') as failed,
           count(*) filter (where event_type = 'session.end' and payload ->> 'status' = 'escalated') as escalated,
           count(*) filter (where event_type = 'error') as errors,
           0::numeric as cost, 0::numeric as input, 0::numeric as output
    from e group by 1, 2
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
  select customer_id, day, coalesce(brain_normalise_category(payload ->> 'category'), 'uncategorised'), count(*)
  from e where event_type = 'session.start'
  group by 1, 2, 3
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
select count(*) from e
