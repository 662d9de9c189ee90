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

create or replace function analytics.spend(days int default 30, customer text default null)
  returns table (customer_id text, day date, cost_cents numeric, input_tokens numeric, output_tokens numeric)
  language sql stable security definer set search_path = public, pg_temp
  begin atomic
    select r.customer_id, r.day, r.cost_cents, r.input_tokens, r.output_tokens
    from rollup_customer_daily r
    where r.day > (now() at time zone 'utc')::date - days and (customer is null or r.customer_id = customer)
      and (r.cost_cents > 0 or r.input_tokens > 0 or r.output_tokens > 0)
    order by r.customer_id, r.day;
  end;

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
             case when p.er >= 0.2 then 'escalation rate ' || round(100 * p.er) || '%' end), ''),
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

-- Usage metrics (OTLP, issue 11): named daily counters per customer, summed over its agents — Claude Code's
-- active time (s), lines of code added / removed, commits, pull requests, sessions, tokens, cost (USD), and any
-- other monotonic OTLP sum, named after the metric plus its `type` attribute.
-- PL/pgSQL and a guarded view: both name a table of V8, and this file also runs against schemas that stop at an
-- earlier version (migration tests with a Flyway target), where the view waits for the next run.
create or replace function analytics.usage_metrics(days int default 30, customer text default null)
  returns table (customer_id text, day date, metric text, value double precision)
  language plpgsql stable security definer set search_path = public, pg_temp
  as $$
  #variable_conflict use_column
  begin
    return query
    select r.customer_id, r.day, r.metric, sum(r.value)::double precision
    from rollup_usage_metric_daily r
    where r.day > (now() at time zone 'utc')::date - days and (customer is null or r.customer_id = customer)
    group by 1, 2, 3
    order by 1, 2, 3;
  end;
  $$;
do $$
begin
  if to_regclass('public.rollup_usage_metric_daily') is not null then
    execute 'create or replace view analytics.usage_metrics_daily as
             select customer_id, agent_id, day, metric, value from rollup_usage_metric_daily';
  end if;
end $$;

do $$
begin
  if exists (select 1 from pg_roles where rolname = 'brain_reader') then
    grant select on all tables in schema analytics to brain_reader;
    grant execute on all functions in schema analytics to brain_reader;
  end if;
end $$;
