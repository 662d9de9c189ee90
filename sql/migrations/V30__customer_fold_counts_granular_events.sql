-- The customer page's rollups (V16) count granular tool.call and llm.call events exactly as the other rollups do
-- (README "Granular events"): per session, calls from whichever carrier came first, and a session.end's status, when
-- it has none, from its session's latest session.update. rollup.sql decides both and hands the exceptions over (the
-- arrays), so the rule has one home and the fold reads the granular events near a chunk once.
drop function brain_fold_customer(bigint, bigint);

-- One LLM usage entry (an llm_usage element or an llm.call payload) as the customer rollups count it. Cache tokens under
-- either name: the hooks' (cache_read_input_tokens) or llm.call's (cache_read_tokens).
create function brain_usage_entry(u jsonb, out model text, out basis text, out input numeric, out output numeric,
                                  out cache_read numeric, out cache_creation numeric, out cost numeric)
  language sql immutable parallel safe
  as $$
  select coalesce(left(nullif(u ->> 'model', ''), 128), 'unknown'),
         coalesce(left(nullif(u ->> 'cost_basis', ''), 32),
                  case when jsonb_typeof(u -> 'cost_cents') = 'number' then 'agent' else 'unpriced' end),
         coalesce(brain_usage_number(u -> 'input_tokens', 1e12), 0),
         coalesce(brain_usage_number(u -> 'output_tokens', 1e12), 0),
         coalesce(brain_usage_number(coalesce(u -> 'cache_read_input_tokens', u -> 'cache_read_tokens'), 1e12), 0),
         coalesce(brain_usage_number(coalesce(u -> 'cache_creation_input_tokens', u -> 'cache_creation_tokens'), 1e12), 0),
         brain_usage_number(u -> 'cost_cents', 1e9)
  $$;

create function brain_fold_customer(lo bigint, hi bigint, skip_end_tools bigint[], skip_end_llm bigint[], skip_steps bigint[],
                                    status_ids bigint[], statuses text[]) returns bigint
  language sql volatile
  begin atomic
  with e as materialized (
    select v.id, v.customer_id, v.agent_id, v.event_type, v.ts, (v.ts at time zone 'utc')::date as day,
           date_trunc('month', v.ingested_at at time zone 'utc')::date as arrived, v.payload
    from events v
    where v.id > lo and v.id <= hi and not exists (select 1 from rollup_skipped s where s.id = v.id)
  ),
  -- Tool calls from whichever carried them first (rollup.sql says which: the skip arrays), as the other rollups.
  tc as (
    select x.id, c -> 'ok' = 'false'::jsonb as failed
    from e x, jsonb_array_elements(case when jsonb_typeof(x.payload -> 'tool_calls') = 'array'
                                        then x.payload -> 'tool_calls' else '[]'::jsonb end) c
    where x.event_type = 'session.end' and jsonb_typeof(c) = 'object' and c ->> 'name' is not null
      and not x.id = any(skip_end_tools)
    union all
    select x.id, x.payload -> 'ok' = 'false'::jsonb or coalesce(x.payload ->> 'status' in ('failure', 'timeout'), false)
    from e x
    where x.event_type = 'tool.call' and x.payload ->> 'name' is not null and not x.id = any(skip_steps)
  ),
  t as (
    select id, count(*) as calls, count(*) filter (where failed) as failures from tc group by id
  ),
  -- A session.end's status as rollup.sql decided it (its own, else its session's latest session.update, else success);
  -- an end listed there with no status (a continuation) counts in no outcome, as in rollup.sql.
  st as (
    select s.id, s.status from unnest(status_ids, statuses) as s(id, status)
  ),
  f as materialized (
    select x.customer_id, x.agent_id, x.day, x.arrived,
           (x.event_type = 'session.start')::int as sessions,
           coalesce(x.event_type = 'session.end' and (case when st.id is not null then st.status else x.payload ->> 'status' end) = 'success', false)::int as success,
           coalesce(x.event_type = 'session.end' and (case when st.id is not null then st.status else x.payload ->> 'status' end) = 'failed', false)::int as failed,
           coalesce(x.event_type = 'session.end' and (case when st.id is not null then st.status else x.payload ->> 'status' end) = 'escalated', false)::int as escalated,
           (x.event_type = 'error')::int as errors,
           coalesce(t.calls, 0) as tool_calls, coalesce(t.failures, 0) as tool_failures,
           coalesce(case when x.event_type = 'heartbeat'
                         then brain_usage_number(x.payload -> 'dropped_events_since_last', 1e12) end, 0) as dropped
    from e x left join t on t.id = x.id left join st on st.id = x.id
  ),
  u as materialized (
    select x.customer_id, x.agent_id, x.day, x.arrived, m.*
    from e x, jsonb_array_elements(case when x.event_type = 'llm.call' then jsonb_build_array(x.payload)
                                        else case jsonb_typeof(x.payload -> 'llm_usage')
                                        when 'array' then x.payload -> 'llm_usage'
                                        when 'object' then jsonb_build_array(x.payload -> 'llm_usage')
                                        else '[]'::jsonb end end) u
    cross join lateral brain_usage_entry(u) m
    where jsonb_typeof(u) = 'object'
      and ((x.event_type = 'session.end' and not x.id = any(skip_end_llm))
           or (x.event_type = 'llm.call' and not x.id = any(skip_steps)))
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


-- Carries the events folded before this migration over to the same rule: per session, granular calls that counted
-- are added, and the embedded lists of session.ends that separate calls preceded (e.g. the sessionizer's assembled
-- ends, counted until now) are taken out. Closed billing months keep their frozen figures.
do $$
declare
  top bigint := coalesce((select last_id from rollup_state where name = 'events'), 0);
begin
  create temp table v30_carriers on commit drop as
  select agent_id, session_id, min(id) filter (where event_type = 'tool.call') as tool_id,
         min(id) filter (where event_type = 'llm.call') as llm_id
  from events where event_type in ('tool.call', 'llm.call') and session_id is not null and id <= top
  group by 1, 2;
  create temp table v30_ends on commit drop as
  select x.id, x.customer_id, x.agent_id, x.session_id, (x.ts at time zone 'utc')::date as day, x.payload,
         coalesce(m.tool_id < x.id, false) as separate_tools, coalesce(m.llm_id < x.id, false) as separate_llm,
         jsonb_typeof(x.payload -> 'tool_calls') = 'array' and jsonb_array_length(x.payload -> 'tool_calls') > 0 as has_tools,
         jsonb_typeof(x.payload -> 'llm_usage') = 'object'
           or (jsonb_typeof(x.payload -> 'llm_usage') = 'array' and jsonb_array_length(x.payload -> 'llm_usage') > 0) as has_llm
  from events x join v30_carriers m on m.agent_id = x.agent_id and m.session_id = x.session_id
  where x.event_type = 'session.end' and x.id <= top;

  with w as (
    select agent_id, session_id, min(id) filter (where has_tools and not separate_tools) as tools_end_id
    from v30_ends group by 1, 2
  ), delta as (
    select x.customer_id, x.agent_id, (x.ts at time zone 'utc')::date as day, 1 as calls,
           -- coalesce: a call without `ok` (a lean pipeline's, say) is not a failure, never a NULL (tool_failures is not null)
           coalesce(x.payload -> 'ok' = 'false'::jsonb or x.payload ->> 'status' in ('failure', 'timeout'), false)::int as failures
    from events x left join w on w.agent_id = x.agent_id and w.session_id = x.session_id
    where x.event_type = 'tool.call' and x.id <= top and x.payload ->> 'name' is not null
      and not coalesce(w.tools_end_id < x.id, false)
    union all
    select x.customer_id, x.agent_id, x.day, -1, -coalesce(c -> 'ok' = 'false'::jsonb, false)::int
    from v30_ends x, jsonb_array_elements(x.payload -> 'tool_calls') c
    where x.separate_tools and x.has_tools and jsonb_typeof(c) = 'object' and c ->> 'name' is not null
  )
  insert into rollup_agent_daily as r (day, customer_id, agent_id, tool_calls, tool_failures)
  select day, customer_id, agent_id, sum(calls), sum(failures) from delta group by 1, 2, 3
  on conflict (day, customer_id, agent_id) do update set
    tool_calls = r.tool_calls + excluded.tool_calls, tool_failures = r.tool_failures + excluded.tool_failures;

  with w as (
    select agent_id, session_id, min(id) filter (where has_llm and not separate_llm) as llm_end_id
    from v30_ends group by 1, 2
  ), entries as (
    select x.customer_id, x.agent_id, (x.ts at time zone 'utc')::date as day, 1 as sign, x.payload as u
    from events x left join w on w.agent_id = x.agent_id and w.session_id = x.session_id
    where x.event_type = 'llm.call' and x.id <= top and not coalesce(w.llm_end_id < x.id, false)
    union all
    select x.customer_id, x.agent_id, x.day, -1, u
    from v30_ends x, jsonb_array_elements(case when jsonb_typeof(x.payload -> 'llm_usage') = 'array' then x.payload -> 'llm_usage'
                                               else jsonb_build_array(x.payload -> 'llm_usage') end) u
    where x.separate_llm and x.has_llm and jsonb_typeof(u) = 'object'
  ), delta as (
    select day, customer_id, agent_id, sign, m.* from entries cross join lateral brain_usage_entry(u) m
  )
  insert into rollup_model_agent_daily as r (day, customer_id, agent_id, model, cost_basis, entries, input_tokens,
                                             output_tokens, cache_read_tokens, cache_creation_tokens, cost_cents, unpriced)
  select day, customer_id, agent_id, model, basis, sum(sign), sum(sign * input), sum(sign * output), sum(sign * cache_read),
         sum(sign * cache_creation), coalesce(sum(sign * cost), 0), coalesce(sum(sign) filter (where cost is null), 0)
  from delta group by 1, 2, 3, 4, 5
  on conflict (day, customer_id, agent_id, model, cost_basis) do update set
    entries = r.entries + excluded.entries, input_tokens = r.input_tokens + excluded.input_tokens,
    output_tokens = r.output_tokens + excluded.output_tokens,
    cache_read_tokens = r.cache_read_tokens + excluded.cache_read_tokens,
    cache_creation_tokens = r.cache_creation_tokens + excluded.cache_creation_tokens,
    cost_cents = r.cost_cents + excluded.cost_cents, unpriced = r.unpriced + excluded.unpriced;
  delete from rollup_model_agent_daily where entries = 0 and cost_cents = 0 and input_tokens = 0 and output_tokens = 0;
end $$;
