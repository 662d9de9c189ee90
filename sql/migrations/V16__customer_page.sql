-- One customer on one page, and usage for billing: per-agent and per-model rollups, errors by stack hash,
-- agent version history, the daily health snapshot, contract values, and frozen billing months.
-- Folded by brain_fold_customer (called by the rollup job with the same id range as rollup.sql), so
-- they survive raw-event retention like the other rollups.

-- Per UTC day and agent: every event, sessions, outcomes, tool calls, errors, dropped events from heartbeats.
create table rollup_agent_daily (
  day            date not null,
  customer_id    text not null,
  agent_id       text not null,
  events         bigint not null default 0,
  sessions       bigint not null default 0,
  success        bigint not null default 0,
  failed         bigint not null default 0,
  escalated      bigint not null default 0,
  tool_calls     bigint not null default 0,
  tool_failures  bigint not null default 0,
  errors         bigint not null default 0,
  dropped_events numeric not null default 0,
  primary key (day, customer_id, agent_id)
);
create index rollup_agent_daily_customer on rollup_agent_daily (customer_id, day);

-- Per UTC day, agent, model and cost basis: llm_usage entries of session.end, with cache tokens.
-- cost_cents sums the priced entries; unpriced counts the entries that came without a cost.
create table rollup_model_agent_daily (
  day                   date not null,
  customer_id           text not null,
  agent_id              text not null,
  model                 text not null,
  cost_basis            text not null,
  entries               bigint not null default 0,
  input_tokens          numeric not null default 0,
  output_tokens         numeric not null default 0,
  cache_read_tokens     numeric not null default 0,
  cache_creation_tokens numeric not null default 0,
  cost_cents            numeric not null default 0,
  unpriced              bigint not null default 0,
  primary key (day, customer_id, agent_id, model, cost_basis)
);
create index rollup_model_agent_daily_customer on rollup_model_agent_daily (customer_id, day);

-- Error events per UTC day, customer, stack hash and kind ('' when absent), with the latest message.
create table rollup_error_daily (
  day         date not null,
  customer_id text not null,
  stack_hash  text not null,
  kind        text not null,
  errors      bigint not null,
  first_ts    timestamptz not null,
  last_ts     timestamptz not null,
  message     text,
  primary key (day, customer_id, stack_hash, kind)
);
create index rollup_error_daily_customer on rollup_error_daily (customer_id, day);

-- Each version an agent reported in heartbeats, first and last seen.
create table rollup_agent_version (
  agent_id    text not null,
  version     text not null,
  customer_id text not null,
  first_ts    timestamptz not null,
  last_ts     timestamptz not null,
  primary key (agent_id, version)
);

-- analytics.health per customer and UTC day, the day's last value (kept by the customer snapshot job).
create table customer_health_daily (
  customer_id       text not null,
  day               date not null,
  score             int not null,
  trend_score       int not null,
  liveness_score    int not null,
  quality_score     int not null,
  sessions_7d       bigint not null,
  sessions_prev_7d  bigint not null,
  agents            bigint not null,
  agents_silent_24h bigint not null,
  failure_rate      numeric,
  escalation_rate   numeric,
  reason            text not null,
  primary key (customer_id, day)
);

-- What a customer pays per month (`brain admin customer contract`), for margin.
create table customer_contracts (
  customer_id   text primary key references customers(id),
  monthly_cents bigint not null check (monthly_cents >= 0),
  updated_at    timestamptz not null default now()
);

-- Closed months: their usage is stored once and never recomputed.
create table billing_months (
  month     date primary key,
  frozen_at timestamptz not null default now()
);

create table billing_usage (
  month                 date not null references billing_months(month),
  customer_id           text not null,
  agent_id              text not null,
  sessions              bigint not null,
  active_agents         bigint not null,
  tool_calls            bigint not null,
  input_tokens          numeric not null,
  output_tokens         numeric not null,
  cache_read_tokens     numeric not null,
  cache_creation_tokens numeric not null,
  cost_cents            numeric not null,
  cost_basis            text not null,
  active_time_s         numeric,
  primary key (month, customer_id, agent_id)
);

-- Events folded after their month closed, by the month they arrived in (ingested_at, UTC).
create table billing_adjustments (
  arrived_month         date not null,
  usage_month           date not null,
  customer_id           text not null,
  agent_id              text not null,
  sessions              bigint not null default 0,
  tool_calls            bigint not null default 0,
  input_tokens          numeric not null default 0,
  output_tokens         numeric not null default 0,
  cache_read_tokens     numeric not null default 0,
  cache_creation_tokens numeric not null default 0,
  cost_cents            numeric not null default 0,
  cost_bases            text[] not null default '{}',
  primary key (arrived_month, usage_month, customer_id, agent_id)
);

-- A number from 0 to max, else null: these rollups read fields the wire contract does not bound
-- (cache tokens) and never refuse a row; rows with bounded fields out of range are set aside by rollup.sql.
create function brain_usage_number(v jsonb, max numeric) returns numeric
  language sql immutable parallel safe
  return case when jsonb_typeof(v) = 'number' and v::numeric between 0 and max then v::numeric end;

-- Folds the events with lo < id <= hi (minus those set aside) into the tables above, and into
-- billing_adjustments when their month is closed. Returns the number of events read.
create function brain_fold_customer(lo bigint, hi bigint) returns bigint
  language sql volatile
  begin atomic
  with e as materialized (
    select v.id, v.customer_id, v.agent_id, v.event_type, v.ts, (v.ts at time zone 'utc')::date as day,
           date_trunc('month', v.ingested_at at time zone 'utc')::date as arrived, v.payload
    from events v
    where v.id > lo and v.id <= hi and not exists (select 1 from rollup_skipped s where s.id = v.id)
  ),
  t as (
    select x.id, count(*) as calls, count(*) filter (where c -> 'ok' = 'false'::jsonb) as failures
    from e x, jsonb_array_elements(case when jsonb_typeof(x.payload -> 'tool_calls') = 'array'
                                        then x.payload -> 'tool_calls' else '[]'::jsonb end) c
    where x.event_type = 'session.end' and jsonb_typeof(c) = 'object' and c ->> 'name' is not null
    group by x.id
  ),
  f as materialized (
    select x.customer_id, x.agent_id, x.day, x.arrived,
           (x.event_type = 'session.start')::int as sessions,
           (x.event_type = 'session.end' and x.payload ->> 'status' = 'success')::int as success,
           (x.event_type = 'session.end' and x.payload ->> 'status' = 'failed')::int as failed,
           (x.event_type = 'session.end' and x.payload ->> 'status' = 'escalated')::int as escalated,
           (x.event_type = 'error')::int as errors,
           coalesce(t.calls, 0) as tool_calls, coalesce(t.failures, 0) as tool_failures,
           coalesce(case when x.event_type = 'heartbeat'
                         then brain_usage_number(x.payload -> 'dropped_events_since_last', 1e12) end, 0) as dropped
    from e x left join t on t.id = x.id
  ),
  u as materialized (
    select x.customer_id, x.agent_id, x.day, x.arrived,
           coalesce(left(nullif(u ->> 'model', ''), 128), 'unknown') as model,
           coalesce(left(nullif(u ->> 'cost_basis', ''), 32),
                    case when jsonb_typeof(u -> 'cost_cents') = 'number' then 'agent' else 'unpriced' end) as basis,
           coalesce(brain_usage_number(u -> 'input_tokens', 1e12), 0) as input,
           coalesce(brain_usage_number(u -> 'output_tokens', 1e12), 0) as output,
           coalesce(brain_usage_number(u -> 'cache_read_input_tokens', 1e12), 0) as cache_read,
           coalesce(brain_usage_number(u -> 'cache_creation_input_tokens', 1e12), 0) as cache_creation,
           brain_usage_number(u -> 'cost_cents', 1e9) as cost
    from e x, jsonb_array_elements(case jsonb_typeof(x.payload -> 'llm_usage')
                                        when 'array' then x.payload -> 'llm_usage'
                                        when 'object' then jsonb_build_array(x.payload -> 'llm_usage')
                                        else '[]'::jsonb end) u
    where x.event_type = 'session.end' and jsonb_typeof(u) = 'object'
  ),
  up_agents as (
    insert into rollup_agent_daily as r (day, customer_id, agent_id, events, sessions, success, failed, escalated,
                                         tool_calls, tool_failures, errors, dropped_events)
    select day, customer_id, agent_id, count(*), sum(sessions), sum(success), sum(failed), sum(escalated),
           sum(tool_calls), sum(tool_failures), sum(errors), sum(dropped)
    from f group by 1, 2, 3
    on conflict (day, customer_id, agent_id) do update set
      events = r.events + excluded.events, sessions = r.sessions + excluded.sessions,
      success = r.success + excluded.success, failed = r.failed + excluded.failed,
      escalated = r.escalated + excluded.escalated, tool_calls = r.tool_calls + excluded.tool_calls,
      tool_failures = r.tool_failures + excluded.tool_failures, errors = r.errors + excluded.errors,
      dropped_events = r.dropped_events + excluded.dropped_events
  ),
  up_models as (
    insert into rollup_model_agent_daily as r (day, customer_id, agent_id, model, cost_basis, entries, input_tokens,
                                         output_tokens, cache_read_tokens, cache_creation_tokens, cost_cents, unpriced)
    select day, customer_id, agent_id, model, basis, count(*), sum(input), sum(output), sum(cache_read),
           sum(cache_creation), coalesce(sum(cost), 0), count(*) filter (where cost is null)
    from u group by 1, 2, 3, 4, 5
    on conflict (day, customer_id, agent_id, model, cost_basis) do update set
      entries = r.entries + excluded.entries, input_tokens = r.input_tokens + excluded.input_tokens,
      output_tokens = r.output_tokens + excluded.output_tokens,
      cache_read_tokens = r.cache_read_tokens + excluded.cache_read_tokens,
      cache_creation_tokens = r.cache_creation_tokens + excluded.cache_creation_tokens,
      cost_cents = r.cost_cents + excluded.cost_cents, unpriced = r.unpriced + excluded.unpriced
  ),
  up_errors as (
    insert into rollup_error_daily as r (day, customer_id, stack_hash, kind, errors, first_ts, last_ts, message)
    select day, customer_id, coalesce(left(payload ->> 'stack_hash', 128), ''), coalesce(left(payload ->> 'kind', 128), ''),
           count(*), min(ts), max(ts), (array_agg(left(payload ->> 'message', 2000) order by ts desc))[1]
    from e where event_type = 'error' group by 1, 2, 3, 4
    on conflict (day, customer_id, stack_hash, kind) do update set
      errors = r.errors + excluded.errors, first_ts = least(r.first_ts, excluded.first_ts),
      last_ts = greatest(r.last_ts, excluded.last_ts),
      message = case when excluded.last_ts >= r.last_ts then coalesce(excluded.message, r.message) else r.message end
  ),
  up_versions as (
    insert into rollup_agent_version as r (agent_id, version, customer_id, first_ts, last_ts)
    select agent_id, left(payload ->> 'agent_version', 128), min(customer_id), min(ts), max(ts)
    from e where event_type = 'heartbeat' and nullif(payload ->> 'agent_version', '') is not null group by 1, 2
    on conflict (agent_id, version) do update set
      first_ts = least(r.first_ts, excluded.first_ts), last_ts = greatest(r.last_ts, excluded.last_ts)
  ),
  late as (
    select arrived, date_trunc('month', day)::date as month, customer_id, agent_id, sessions, tool_calls,
           0::numeric as input, 0::numeric as output, 0::numeric as cache_read, 0::numeric as cache_creation,
           null::numeric as cost, null::text as basis
    from f where date_trunc('month', day)::date in (select month from billing_months)
    union all
    select arrived, date_trunc('month', day)::date, customer_id, agent_id, 0, 0,
           input, output, cache_read, cache_creation, cost, basis
    from u where date_trunc('month', day)::date in (select month from billing_months)
  ),
  up_late as (
    insert into billing_adjustments as r (arrived_month, usage_month, customer_id, agent_id, sessions, tool_calls,
                                          input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens,
                                          cost_cents, cost_bases)
    select arrived, month, customer_id, agent_id, sum(sessions), sum(tool_calls), sum(input), sum(output),
           sum(cache_read), sum(cache_creation), coalesce(sum(cost), 0),
           array_remove(array_agg(distinct basis order by basis), null)
    from late group by 1, 2, 3, 4
    on conflict (arrived_month, usage_month, customer_id, agent_id) do update set
      sessions = r.sessions + excluded.sessions, tool_calls = r.tool_calls + excluded.tool_calls,
      input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens,
      cache_read_tokens = r.cache_read_tokens + excluded.cache_read_tokens,
      cache_creation_tokens = r.cache_creation_tokens + excluded.cache_creation_tokens,
      cost_cents = r.cost_cents + excluded.cost_cents,
      cost_bases = array(select distinct b from unnest(r.cost_bases || excluded.cost_bases) as b order by b)
  )
  select count(*) from e;
  end;

-- Events already folded by rollup.sql when this migration runs get the new rollups too, 250,000 ids at a
-- time so no step holds more than one chunk of events.
do $$
declare
  lo  bigint := 0;
  top bigint := (select last_id from rollup_state where name = 'events');
begin
  while lo < top loop
    perform brain_fold_customer(lo, least(lo + 250000, top));
    lo := least(lo + 250000, top);
  end loop;
end $$;
