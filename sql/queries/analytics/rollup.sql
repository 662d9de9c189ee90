-- One pass over the events with lo < id <= hi, folded into every rollup (dev.brain.analytics.RollupFold).
-- A number beyond the wire contract's bounds (:max_*, from EventValidator) fails the statement, and the
-- job then sets its event aside.
with e as materialized (
  select customer_id, agent_id, event_type, ts, (ts at time zone 'utc')::date as day, payload
  from events where id > :lo and id <= :hi
),
ends as (
  select customer_id, day, payload from e where event_type = 'session.end'
),
usage as (
  select x.customer_id, x.day, u
  from ends x, jsonb_array_elements(case jsonb_typeof(x.payload -> 'llm_usage')
                                      when 'array' then x.payload -> 'llm_usage'
                                      when 'object' then jsonb_build_array(x.payload -> 'llm_usage')
                                      else '[]'::jsonb end) u
  where jsonb_typeof(u) = 'object'
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
  select x.customer_id, x.day, t ->> 'name',
         coalesce(brain_latency_bucket(brain_rollup_number(t -> 'ms', :max_ms, 'payload.tool_calls.ms')), 0),
         count(*), count(*) filter (where t -> 'ok' = 'false'::jsonb)
  from ends x, jsonb_array_elements(case when jsonb_typeof(x.payload -> 'tool_calls') = 'array'
                                         then x.payload -> 'tool_calls' else '[]'::jsonb end) t
  where jsonb_typeof(t) = 'object' and t ->> 'name' is not null
  group by 1, 2, 3, 4
  on conflict (day, customer_id, tool, bucket_ms) do update set
    calls = r.calls + excluded.calls, failures = r.failures + excluded.failures
),
up_seen as (
  insert into rollup_agent_seen as r (agent_id, customer_id, last_ts)
  select agent_id, min(customer_id), max(ts) from e group by 1
  on conflict (agent_id) do update set last_ts = greatest(r.last_ts, excluded.last_ts)
)
select count(*) from e
