-- The analytics questions: the functions and views of schema analytics that answer them (the saved
-- questions, health, and the views Metabase reads). A repeatable migration: Flyway applies it after
-- every versioned one and again whenever this file changes, so changing a question is an edit here.
-- First written as a copy of V4__analytics.sql, whose own definitions stay for checksums' sake.
--
-- Everything is `create or replace`, which keeps grants and dependants but cannot change a function's
-- result columns or a view's column list: for such a change, put `drop function if exists ... cascade`
-- (or `drop view`) just above the definition; the views below are created after the functions they read.
-- Tables, and the public helpers the rollup job folds with (brain_normalise_category,
-- brain_latency_bucket, brain_rollup_number), stay in versioned migrations: changing them changes what
-- the stored rollups mean. The reader's raw views (analytics.customers, agents, events) stay in V2.

-- The six questions and health, as functions (days back from today, optional customer). They run
-- as their owner so brain_reader needs no grant on the rollup tables.

create or replace function analytics.engagement(days int default 30, customer text default null)
  returns table (customer_id text, day date, sessions bigint)
  language sql stable security definer set search_path = public, pg_temp
  begin atomic
    select c.id, d.day::date, coalesce(r.sessions, 0)::bigint
    from customers c
    cross join generate_series((now() at time zone 'utc')::date - (days - 1), (now() at time zone 'utc')::date, interval '1 day') d(day)
    left join rollup_customer_daily r on r.customer_id = c.id and r.day = d.day::date
    where customer is null or c.id = customer
    order by c.id, d.day;
  end;

create or replace function analytics.last_seen(customer text default null)
  returns table (agent_id text, customer_id text, last_seen_at timestamptz, silent_seconds bigint, silent boolean)
  language sql stable security definer set search_path = public, pg_temp
  begin atomic
    select a.id, a.customer_id, s.last_ts,
           floor(extract(epoch from now() - s.last_ts))::bigint,
           s.last_ts is null or s.last_ts < now() - interval '1 hour'
    from agents a left join rollup_agent_seen s on s.agent_id = a.id
    where customer is null or a.customer_id = customer
    order by s.last_ts asc nulls first, a.id;
  end;

-- PL/pgSQL with custom plans, so the query is planned for the actual window and customer (and may
-- run in parallel): twice as fast over the largest rollup as a SQL function or a generic plan.
create or replace function analytics.tools(days int default 30, customer text default null)
  returns table (customer_id text, tool text, calls bigint, failures bigint, failure_rate numeric, p50_ms numeric, p95_ms numeric)
  language plpgsql stable security definer set search_path = public, pg_temp set plan_cache_mode = force_custom_plan
  as $$
  #variable_conflict use_column
  begin
    return query
    with b as (
      select r.customer_id, r.tool, r.bucket_ms, sum(r.calls) as calls, sum(r.failures) as failures
      from rollup_tool_daily r
      where r.day > (now() at time zone 'utc')::date - days and (customer is null or r.customer_id = customer)
      group by 1, 2, 3),
    w as (
      select b.*, sum(b.calls) filter (where b.bucket_ms > 0) over (partition by b.customer_id, b.tool order by b.bucket_ms) as cum,
             sum(b.calls) filter (where b.bucket_ms > 0) over (partition by b.customer_id, b.tool) as timed
      from b)
    select w.customer_id, w.tool, sum(w.calls)::bigint, sum(w.failures)::bigint,
           round(sum(w.failures) / sum(w.calls), 4),
           min(w.bucket_ms) filter (where w.bucket_ms > 0 and w.cum >= 0.50 * w.timed),
           min(w.bucket_ms) filter (where w.bucket_ms > 0 and w.cum >= 0.95 * w.timed)
    from w group by 1, 2
    order by 3 desc, 1, 2;
  end $$;

-- unpriced_calls: LLM usage whose model the price table does not know (cost null, never counted as 0), from
-- rollup_model_daily. The result columns grew with it, hence the drop (its view is recreated below).
drop function if exists analytics.spend(int, text) cascade;
-- PL/pgSQL: its body is checked when called, not when created, so this file also runs on a database migrated
-- only up to an older version (before rollup_model_daily existed).
create or replace function analytics.spend(days int default 30, customer text default null)
  returns table (customer_id text, day date, cost_cents numeric, input_tokens numeric, output_tokens numeric, unpriced_calls bigint)
  language plpgsql stable security definer set search_path = public, pg_temp
  as $$
  #variable_conflict use_column
  begin
    return query
    select coalesce(r.customer_id, u.customer_id), coalesce(r.day, u.day), coalesce(r.cost_cents, 0),
           coalesce(r.input_tokens, 0), coalesce(r.output_tokens, 0), coalesce(u.unpriced, 0)::bigint
    from (select * from rollup_customer_daily r
          where r.day > (now() at time zone 'utc')::date - days and (customer is null or r.customer_id = customer)
            and (r.cost_cents > 0 or r.input_tokens > 0 or r.output_tokens > 0)) r
    full join (select m.customer_id, m.day, sum(m.unpriced) as unpriced from rollup_model_daily m
               where m.day > (now() at time zone 'utc')::date - days and (customer is null or m.customer_id = customer)
               group by 1, 2 having sum(m.unpriced) > 0) u
      on u.customer_id = r.customer_id and u.day = r.day
    order by 1, 2;
  end $$;

create or replace function analytics.categories(days int default 30, customer text default null)
  returns table (customer_id text, category text, sessions bigint)
  language sql stable security definer set search_path = public, pg_temp
  begin atomic
    select r.customer_id, coalesce(a.canonical, r.category), sum(r.sessions)::bigint
    from rollup_category_daily r left join category_aliases a on a.alias = r.category
    where r.day > (now() at time zone 'utc')::date - days and (customer is null or r.customer_id = customer)
    group by 1, 2
    order by 1, 3 desc, 2;
  end;

create or replace function analytics.categories_across(days int default 30, customer text default null)
  returns table (category text, customers bigint, sessions bigint)
  language sql stable security definer set search_path = public, pg_temp
  begin atomic
    select c.category, count(distinct c.customer_id), sum(c.sessions)::bigint
    from analytics.categories(days, customer) c
    group by 1
    order by 2 desc, 3 desc, 1;
  end;

create or replace function analytics.outcomes(days int default 30, customer text default null)
  returns table (customer_id text, sessions bigint, success bigint, failed bigint, escalated bigint,
                 failure_rate numeric, escalation_rate numeric)
  language sql stable security definer set search_path = public, pg_temp
  begin atomic
    select r.customer_id, sum(r.success + r.failed + r.escalated)::bigint, sum(r.success)::bigint,
           sum(r.failed)::bigint, sum(r.escalated)::bigint,
           round(sum(r.failed) / nullif(sum(r.success + r.failed + r.escalated), 0), 4),
           round(sum(r.escalated) / nullif(sum(r.success + r.failed + r.escalated), 0), 4)
    from rollup_customer_daily r
    where r.day > (now() at time zone 'utc')::date - days and (customer is null or r.customer_id = customer)
    group by 1
    having sum(r.success + r.failed + r.escalated) > 0
    order by 1;
  end;

-- "business outcomes −N% week over week" when the customer's business.event count of the last 7 days is under 90%
-- of the 7 before, else null (health cites it). PL/pgSQL so this file runs before rollup_business_daily exists.
create or replace function analytics.business_drop(customer text)
  returns text
  language plpgsql stable security definer set search_path = public, pg_temp
  as $$
  declare s7 numeric; p7 numeric;
  begin
    select coalesce(sum(x.events) filter (where x.day > (now() at time zone 'utc')::date - 7), 0),
           coalesce(sum(x.events) filter (where x.day <= (now() at time zone 'utc')::date - 7), 0)
      into s7, p7
    from rollup_business_daily x
    where x.customer_id = customer and x.day > (now() at time zone 'utc')::date - 14;
    return case when p7 > 0 and s7 < 0.9 * p7 then 'business outcomes −' || round(100.0 * (p7 - s7) / p7) || '% week over week' end;
  end $$;

-- Health 0-100 = 40% activity trend (sessions in the last 7 days vs the 7 before) + 30% agents
-- live (an event in the last 24 h) + 30% quality (1 - failure rate - escalation rate over `days`).
-- The reason names drops of 10% or more, silent agents, and failure or escalation rates of 20% or more.
create or replace function analytics.health(days int default 30, customer text default null)
  returns table (customer_id text, score int, trend_score int, liveness_score int, quality_score int,
                 sessions_7d bigint, sessions_prev_7d bigint, agents bigint, agents_silent_24h bigint,
                 failure_rate numeric, escalation_rate numeric, reason text)
  language sql stable security definer set search_path = public, pg_temp
  begin atomic
    with today as (select (now() at time zone 'utc')::date as d),
    s as (
      select c.id as customer_id,
             coalesce(sum(r.sessions) filter (where r.day > t.d - 7), 0)::bigint as s7,
             coalesce(sum(r.sessions) filter (where r.day <= t.d - 7 and r.day > t.d - 14), 0)::bigint as p7,
             coalesce(sum(r.success + r.failed + r.escalated) filter (where r.day > t.d - days), 0) as ended,
             coalesce(sum(r.failed) filter (where r.day > t.d - days), 0) as failed,
             coalesce(sum(r.escalated) filter (where r.day > t.d - days), 0) as escalated
      from customers c cross join today t
      left join rollup_customer_daily r on r.customer_id = c.id and r.day > t.d - greatest(days, 14)
      where customer is null or c.id = customer
      group by c.id),
    a as (
      select g.customer_id, count(*) as agents,
             count(*) filter (where x.last_ts is null or x.last_ts < now() - interval '24 hours') as silent
      from agents g left join rollup_agent_seen x on x.agent_id = g.id
      group by g.customer_id),
    parts as (
      select s.*, coalesce(a.agents, 0) as agents, coalesce(a.silent, 0) as silent,
             round(s.failed / nullif(s.ended, 0), 4) as fr, round(s.escalated / nullif(s.ended, 0), 4) as er,
             case when s.s7 = 0 then 0 when s.p7 = 0 then 100
                  else least(100, greatest(0, round(100.0 * s.s7 / s.p7)))::int end as trend,
             case when coalesce(a.agents, 0) = 0 then 0
                  else round(100.0 * (a.agents - a.silent) / a.agents)::int end as liveness,
             case when s.ended = 0 then 50
                  else greatest(0, round(100.0 * (1 - (s.failed + s.escalated) / s.ended)))::int end as quality
      from s left join a on a.customer_id = s.customer_id)
    select p.customer_id, round(0.4 * p.trend + 0.3 * p.liveness + 0.3 * p.quality)::int,
           p.trend, p.liveness, p.quality, p.s7, p.p7, p.agents, p.silent, p.fr, p.er,
           coalesce(nullif(concat_ws('; ',
             case when p.s7 = 0 and p.p7 = 0 then 'no sessions in 14 days'
                  when p.s7 = 0 then 'no sessions in the last 7 days (' || p.p7 || ' the week before)'
                  when p.p7 > 0 and p.s7 < 0.9 * p.p7 then 'sessions −' || round(100.0 * (p.p7 - p.s7) / p.p7) || '% week over week' end,
             case when p.agents = 0 then 'no agents registered'
                  when p.silent > 0 then p.silent || ' of ' || p.agents || ' agents silent > 24 h' end,
             case when p.fr >= 0.2 then 'failure rate ' || round(100 * p.fr) || '%' end,
             case when p.er >= 0.2 then 'escalation rate ' || round(100 * p.er) || '%' end,
             analytics.business_drop(p.customer_id)), ''),
             'healthy: ' || p.s7 || case when p.s7 = 1 then ' session' else ' sessions' end || ' in 7 days' ||
             case when p.p7 > 0 and p.s7 > p.p7 then ' (+' || round(100.0 * (p.s7 - p.p7) / p.p7) || '% week over week)' else '' end)
    from parts p
    order by 2, 1;
  end;

-- Views for Metabase and other readers: daily grain (filter by day there), and the windowed answers at 30 days.
create or replace view analytics.engagement_daily as
  select customer_id, day, sessions from rollup_customer_daily;
create or replace view analytics.spend_daily as
  select customer_id, day, cost_cents, input_tokens, output_tokens from rollup_customer_daily
  where cost_cents > 0 or input_tokens > 0 or output_tokens > 0;
create or replace view analytics.outcomes_daily as
  select customer_id, day, success, failed, escalated, errors from rollup_customer_daily;
create or replace view analytics.tool_calls_daily as
  select customer_id, day, tool, sum(calls)::bigint as calls, sum(failures)::bigint as failures
  from rollup_tool_daily group by 1, 2, 3;
create or replace view analytics.category_daily as
  select r.customer_id, r.day, coalesce(a.canonical, r.category) as category, sum(r.sessions)::bigint as sessions
  from rollup_category_daily r left join category_aliases a on a.alias = r.category group by 1, 2, 3;
create or replace view analytics.category_aliases as
  select alias, canonical, created_at from category_aliases;
create or replace view analytics.engagement_30d as select * from analytics.engagement(30);
create or replace view analytics.last_seen as select * from analytics.last_seen();
create or replace view analytics.tool_leaderboard_30d as select * from analytics.tools(30);
create or replace view analytics.spend_30d as select * from analytics.spend(30);
create or replace view analytics.category_mix_30d as select * from analytics.categories(30);
create or replace view analytics.category_mix_across_30d as select * from analytics.categories_across(30);
create or replace view analytics.outcomes_30d as select * from analytics.outcomes(30);
create or replace view analytics.customer_health as select * from analytics.health(30);
create or replace view analytics.freshness as select last_id, fresh_as_of from rollup_state where name = 'events';

-- Issue 12 (dialects): business outcomes, models with latency percentiles, the collector's decisions.

-- Per customer, business event name and day: how many and their summed value (business.event).
create or replace function analytics.business_outcomes(days int default 30, customer text default null)
  returns table (customer_id text, name text, day date, events bigint, value_sum double precision)
  language plpgsql stable security definer set search_path = public, pg_temp
  as $$
  #variable_conflict use_column
  begin
    return query
    select r.customer_id, r.name, r.day, sum(r.events)::bigint, sum(r.value_sum)
    from rollup_business_daily r
    where r.day > (now() at time zone 'utc')::date - days and (customer is null or r.customer_id = customer)
    group by 1, 2, 3
    order by 1, 2, 3;
  end $$;

-- Per customer and model: calls, tokens, cost, calls whose cost is unknown, error rate, and latency p50/p90/p99
-- (upper bounds of the latency buckets, from the calls that reported a latency). slo: {"model": p90 ms, "*": ms}
-- (BRAIN_SLO_MODEL_P90_MS); slo_breached when the model's p90 is above its objective.
create or replace function analytics.models(days int default 30, customer text default null, slo jsonb default null)
  returns table (customer_id text, model text, calls bigint, errors bigint, error_rate numeric, input_tokens numeric,
                 output_tokens numeric, cache_read_tokens numeric, cache_creation_tokens numeric, cost_cents numeric,
                 unpriced_calls bigint, p50_ms numeric, p90_ms numeric, p99_ms numeric, slo_p90_ms numeric, slo_breached boolean)
  language plpgsql stable security definer set search_path = public, pg_temp set plan_cache_mode = force_custom_plan
  as $$
  #variable_conflict use_column
  begin
    return query
    with b as (
      select r.customer_id, r.model, r.bucket_ms, sum(r.calls) as calls, sum(r.errors) as errors,
             sum(r.input_tokens) as i, sum(r.output_tokens) as o, sum(r.cache_read_tokens) as cr,
             sum(r.cache_creation_tokens) as cc, sum(r.cost_cents) as cost, sum(r.unpriced) as unpriced
      from rollup_model_daily r
      where r.day > (now() at time zone 'utc')::date - days and (customer is null or r.customer_id = customer)
      group by 1, 2, 3),
    w as (
      select b.*, sum(b.calls) filter (where b.bucket_ms > 0) over (partition by b.customer_id, b.model order by b.bucket_ms) as cum,
             sum(b.calls) filter (where b.bucket_ms > 0) over (partition by b.customer_id, b.model) as timed
      from b),
    m as (
      select w.customer_id, w.model, sum(w.calls)::bigint as calls, sum(w.errors)::bigint as errors,
             round(sum(w.errors) / nullif(sum(w.calls), 0), 4) as error_rate,
             sum(w.i) as i, sum(w.o) as o, sum(w.cr) as cr, sum(w.cc) as cc, sum(w.cost) as cost, sum(w.unpriced)::bigint as unpriced,
             min(w.bucket_ms) filter (where w.bucket_ms > 0 and w.cum >= 0.50 * w.timed) as p50,
             min(w.bucket_ms) filter (where w.bucket_ms > 0 and w.cum >= 0.90 * w.timed) as p90,
             min(w.bucket_ms) filter (where w.bucket_ms > 0 and w.cum >= 0.99 * w.timed) as p99
      from w group by 1, 2)
    select m.customer_id, m.model, m.calls, m.errors, m.error_rate, m.i, m.o, m.cr, m.cc, m.cost, m.unpriced,
           m.p50, m.p90, m.p99, o.ms, coalesce(m.p90 > o.ms, false)
    from m left join lateral (select coalesce((slo ->> m.model)::numeric, (slo ->> '*')::numeric) as ms) o on true
    order by 1, 3 desc, 2;
  end $$;

-- The agent-framework collector's two metrics, per customer, its agent name and day: approval rate (decisions
-- APPROVED, CONFIRMED or OK) and success rate (success true; a declined call that did not fail is a success).
create or replace function analytics.decisions(days int default 30, customer text default null)
  returns table (customer_id text, agent_name text, day date, events bigint, approval_rate numeric, success_rate numeric)
  language plpgsql stable security definer set search_path = public, pg_temp
  as $$
  #variable_conflict use_column
  begin
    return query
    select r.customer_id, r.agent_name, r.day, sum(r.events)::bigint,
           round(sum(r.approved)::numeric / nullif(sum(r.events), 0), 4),
           round(sum(r.succeeded)::numeric / nullif(sum(r.events), 0), 4)
    from rollup_decision_daily r
    where r.day > (now() at time zone 'utc')::date - days and (customer is null or r.customer_id = customer)
    group by 1, 2, 3
    order by 1, 2, 3;
  end $$;

create or replace view analytics.models_30d as select * from analytics.models(30);
create or replace view analytics.decisions_30d as select * from analytics.decisions(30);

do $$
begin
  if exists (select 1 from pg_roles where rolname = 'brain_reader') then
    grant select on all tables in schema analytics to brain_reader;
    grant execute on all functions in schema analytics to brain_reader;
  end if;
end $$;
