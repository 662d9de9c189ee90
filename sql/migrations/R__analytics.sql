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

-- Alerts (dev.brain.alerts, issue 13): every alert, firing and resolved, with its duration and the numbers that fired it.
-- Only once V13 made the table: a migration run up to an older target also runs this file.
do $$
begin
  if to_regclass('public.alerts') is not null then
    execute $v$
      create or replace view analytics.alerts as
        select a.id, a.rule, a.subject, a.customer_id, a.agent_id, a.severity, a.state, a.message, a.detail as "values",
               a.fired_at, a.resolved_at, floor(extract(epoch from coalesce(a.resolved_at, now()) - a.fired_at))::bigint as duration_s,
               a.acked_at, a.acked_by, a.link
        from public.alerts a $v$;
  end if;
end $$;
-- One customer on one page (GET /v1/analytics/customers/{id}) and usage for billing (GET /v1/analytics/usage):
-- read from the rollups of V16 and the daily health snapshot. Tables other features may add (alerts,
-- rollup_usage_metric_daily, rollup_business_daily) are read only when they exist.

-- Open alerts per customer and agent (agent_id null for a customer-wide alert), when an alerts table exists.
create or replace function analytics.open_alerts(customer text default null)
  returns table (customer_id text, agent_id text, open_alerts bigint)
  language plpgsql stable security definer set search_path = public, pg_temp
  as $$
  declare
    cols text[];
  begin
    if to_regclass('public.alerts') is null then
      return;
    end if;
    select array_agg(c.column_name::text) into cols
    from information_schema.columns c where c.table_schema = 'public' and c.table_name = 'alerts';
    if not 'customer_id' = any(cols) then
      return;
    end if;
    return query execute format(
      'select customer_id::text, %s, count(*)::bigint from alerts where ($1 is null or customer_id = $1) and %s group by 1, 2',
      case when 'agent_id' = any(cols) then 'agent_id::text' else 'null::text' end,
      case when 'resolved_at' = any(cols) then 'resolved_at is null'
           when 'status' = any(cols) then 'status::text in (''open'', ''firing'')'
           when 'state' = any(cols) then 'state::text in (''open'', ''firing'')' else 'true' end)
      using customer;
  end $$;

-- The daily health snapshot over the window; the reason only on the days the score moved (and the first).
create or replace function analytics.customer_health_history(days int default 30, customer text default null)
  returns table (customer_id text, day date, score int, change int, trend_score int, liveness_score int,
                 quality_score int, reason text)
  language plpgsql stable security definer set search_path = public, pg_temp set plan_cache_mode = force_custom_plan
  as $$
  #variable_conflict use_column
  begin
    return query
    select h.customer_id, h.day, h.score, h.score - lag(h.score) over w, h.trend_score, h.liveness_score,
           h.quality_score, case when lag(h.score) over w is distinct from h.score then h.reason end
    from customer_health_daily h
    where h.day > (now() at time zone 'utc')::date - days and (customer is null or h.customer_id = customer)
    window w as (partition by h.customer_id order by h.day)
    order by h.customer_id, h.day;
  end $$;

-- Every agent: kind, version and since when, the version before, last seen, sessions this week and the
-- week before, failure rate, errors and dropped events over the window, open alerts. Silent as in last_seen.
create or replace function analytics.customer_agents(days int default 30, customer text default null)
  returns table (agent_id text, customer_id text, kind text, version text, version_since timestamptz,
                 previous_version text, last_seen_at timestamptz, silent boolean, sessions_7d bigint,
                 sessions_prev_7d bigint, sessions bigint, failure_rate numeric, errors bigint,
                 dropped_events numeric, open_alerts bigint)
  language plpgsql stable security definer set search_path = public, pg_temp set plan_cache_mode = force_custom_plan
  as $$
  #variable_conflict use_column
  begin
    return query
    with today as (select (now() at time zone 'utc')::date as d),
    r as (
      select r.agent_id,
             sum(r.sessions) filter (where r.day > t.d - 7) as s7,
             sum(r.sessions) filter (where r.day <= t.d - 7 and r.day > t.d - 14) as p7,
             sum(r.sessions) filter (where r.day > t.d - days) as s,
             sum(r.success + r.failed + r.escalated) filter (where r.day > t.d - days) as ended,
             sum(r.failed) filter (where r.day > t.d - days) as failed,
             sum(r.errors) filter (where r.day > t.d - days) as errors,
             sum(r.dropped_events) filter (where r.day > t.d - days) as dropped
      from rollup_agent_daily r cross join today t
      where r.day > t.d - greatest(days, 14) and (customer is null or r.customer_id = customer)
      group by 1),
    al as (select o.agent_id, sum(o.open_alerts) as n from analytics.open_alerts(customer) o group by 1)
    select a.id, a.customer_id, a.kind, cv.version,
           (select v.first_ts from rollup_agent_version v where v.agent_id = a.id and v.version = cv.version),
           (select v.version from rollup_agent_version v where v.agent_id = a.id and v.version is distinct from cv.version
            order by v.last_ts desc limit 1),
           s.last_ts, s.last_ts is null or s.last_ts < now() - interval '1 hour',
           coalesce(r.s7, 0)::bigint, coalesce(r.p7, 0)::bigint, coalesce(r.s, 0)::bigint,
           round(r.failed / nullif(r.ended, 0), 4), coalesce(r.errors, 0)::bigint, coalesce(r.dropped, 0),
           coalesce(al.n, 0)::bigint
    from agents a
    -- agents.version follows ingest; events loaded around it (a restore, a bulk load) still have their heartbeats' versions
    cross join lateral (select coalesce(a.version, (select v.version from rollup_agent_version v where v.agent_id = a.id
                                                     order by v.last_ts desc limit 1)) as version) cv
    left join rollup_agent_seen s on s.agent_id = a.id
    left join r on r.agent_id = a.id
    left join al on al.agent_id = a.id
    where customer is null or a.customer_id = customer
    order by 8 desc, a.id;
  end $$;

-- Sessions per day per registered agent, against the median customer's (customers with agents), zero-filled.
create or replace function analytics.customer_engagement(days int default 30, customer text default null)
  returns table (customer_id text, day date, sessions bigint, agents bigint, sessions_per_agent numeric,
                 median_per_agent numeric)
  language plpgsql stable security definer set search_path = public, pg_temp set plan_cache_mode = force_custom_plan
  as $$
  #variable_conflict use_column
  begin
    return query
    with n as (select g.customer_id, count(*) as agents from agents g group by 1),
    grid as (
      select n.customer_id, d.day::date as day, coalesce(r.sessions, 0) as sessions, n.agents
      from n
      cross join generate_series((now() at time zone 'utc')::date - (days - 1), (now() at time zone 'utc')::date, interval '1 day') d(day)
      left join rollup_customer_daily r on r.customer_id = n.customer_id and r.day = d.day::date
        and r.day > (now() at time zone 'utc')::date - days),
    m as (select g.day, percentile_cont(0.5) within group (order by g.sessions::float8 / g.agents) as med from grid g group by 1)
    select g.customer_id, g.day, g.sessions::bigint, g.agents, round(g.sessions::numeric / g.agents, 3), round(m.med::numeric, 3)
    from grid g join m on m.day = g.day
    where customer is null or g.customer_id = customer
    order by 1, 2;
  end $$;

-- Category mix per ISO week (Monday), aliases applied.
create or replace function analytics.customer_category_mix(days int default 30, customer text default null)
  returns table (customer_id text, week date, category text, sessions bigint)
  language plpgsql stable security definer set search_path = public, pg_temp set plan_cache_mode = force_custom_plan
  as $$
  #variable_conflict use_column
  begin
    return query
    select r.customer_id, date_trunc('week', r.day)::date, coalesce(a.canonical, r.category), sum(r.sessions)::bigint
    from rollup_category_daily r left join category_aliases a on a.alias = r.category
    where r.day > (now() at time zone 'utc')::date - days and (customer is null or r.customer_id = customer)
    group by 1, 2, 3
    order by 1, 2, 4 desc, 3;
  end $$;

-- Openings (the upsell list): categories that at least a third of the customers with sessions in the
-- window use, and at least 3, which this customer does not use, or gives under half the median user's
-- share of its sessions. Ranked by how many customers use it, then by the gap to the median share.
create or replace function analytics.customer_openings(days int default 30, customer text default null)
  returns table (customer_id text, rank bigint, category text, customers_using bigint, customers_active bigint,
                 median_share numeric, share numeric, sessions bigint, opening text)
  language plpgsql stable security definer set search_path = public, pg_temp set plan_cache_mode = force_custom_plan
  as $$
  #variable_conflict use_column
  begin
    return query
    with mix as (select * from analytics.categories(days, null)),
    tot as (select m.customer_id, sum(m.sessions) as total from mix m group by 1),
    sh as (
      select m.customer_id, m.category, m.sessions, m.sessions::numeric / t.total as share
      from mix m join tot t on t.customer_id = m.customer_id where m.category <> 'uncategorised'),
    active as (select count(*) as n from tot),
    cat as (
      select s.category, count(*) as users, percentile_cont(0.5) within group (order by s.share::float8) as med
      from sh s group by 1),
    cand as (select c.*, a.n from cat c cross join active a where c.users >= 3 and 3 * c.users >= a.n),
    o as (
      select t.customer_id, c.category, c.users, c.n, c.med, coalesce(s.share, 0) as share, coalesce(s.sessions, 0) as sessions,
             case when s.sessions is null then 'not used' else 'used far less than the median' end as opening
      from tot t cross join cand c
      left join sh s on s.customer_id = t.customer_id and s.category = c.category
      where (customer is null or t.customer_id = customer) and (s.share is null or s.share < 0.5 * c.med))
    select o.customer_id, row_number() over (partition by o.customer_id order by o.users desc, o.med - o.share desc, o.category),
           o.category, o.users, o.n, round(o.med::numeric, 4), round(o.share, 4), o.sessions::bigint, o.opening
    from o
    order by 1, 2;
  end $$;

-- Categories growing fastest here: sessions in the last half of the window against the half before.
create or replace function analytics.customer_category_growth(days int default 30, customer text default null)
  returns table (customer_id text, category text, sessions_recent bigint, sessions_before bigint, growth numeric)
  language plpgsql stable security definer set search_path = public, pg_temp set plan_cache_mode = force_custom_plan
  as $$
  #variable_conflict use_column
  declare
    half int := greatest(days / 2, 1);
    today date := (now() at time zone 'utc')::date;
  begin
    return query
    with x as (
      select r.customer_id, coalesce(a.canonical, r.category) as category,
             coalesce(sum(r.sessions) filter (where r.day > today - half), 0) as recent,
             coalesce(sum(r.sessions) filter (where r.day <= today - half), 0) as before
      from rollup_category_daily r left join category_aliases a on a.alias = r.category
      where r.day > today - 2 * half and (customer is null or r.customer_id = customer)
      group by 1, 2)
    select x.customer_id, x.category, x.recent::bigint, x.before::bigint, round((x.recent - x.before) / nullif(x.before, 0), 4)
    from x
    order by 1, x.recent - x.before desc, 2;
  end $$;

-- Outcomes and errors per day.
create or replace function analytics.customer_outcomes_daily(days int default 30, customer text default null)
  returns table (customer_id text, day date, success bigint, failed bigint, escalated bigint, errors bigint)
  language plpgsql stable security definer set search_path = public, pg_temp set plan_cache_mode = force_custom_plan
  as $$
  #variable_conflict use_column
  begin
    return query
    select r.customer_id, r.day, r.success, r.failed, r.escalated, r.errors
    from rollup_customer_daily r
    where r.day > (now() at time zone 'utc')::date - days and (customer is null or r.customer_id = customer)
      and (r.success + r.failed + r.escalated + r.errors) > 0
    order by 1, 2;
  end $$;

-- Error events grouped by stack hash and kind: count, first and last seen, the latest message.
create or replace function analytics.customer_errors(days int default 30, customer text default null)
  returns table (customer_id text, stack_hash text, kind text, errors bigint, first_seen timestamptz,
                 last_seen timestamptz, message text)
  language plpgsql stable security definer set search_path = public, pg_temp set plan_cache_mode = force_custom_plan
  as $$
  #variable_conflict use_column
  begin
    return query
    select r.customer_id, nullif(r.stack_hash, ''), nullif(r.kind, ''), sum(r.errors)::bigint, min(r.first_ts),
           max(r.last_ts), (array_agg(r.message order by r.last_ts desc))[1]
    from rollup_error_daily r
    where r.day > (now() at time zone 'utc')::date - days and (customer is null or r.customer_id = customer)
    group by r.customer_id, r.stack_hash, r.kind
    order by 1, 4 desc, 6 desc;
  end $$;

-- Value delivered: usage metrics and business outcomes, from the tables of the ingest features when they exist.
create or replace function analytics.customer_value(days int default 30, customer text default null)
  returns table (customer_id text, source text, name text, events bigint, value numeric)
  language plpgsql stable security definer set search_path = public, pg_temp
  as $$
  declare
    since date := (now() at time zone 'utc')::date - days;
  begin
    if to_regclass('public.rollup_usage_metric_daily') is not null then
      return query execute
        'select customer_id::text, ''usage_metric''::text, metric::text, null::bigint, round(sum(value)::numeric, 4)
         from rollup_usage_metric_daily where day > $1 and ($2 is null or customer_id = $2) group by 1, 3 order by 1, 3'
        using since, customer;
    end if;
    if to_regclass('public.rollup_business_daily') is not null then
      return query execute
        'select customer_id::text, ''business''::text, name::text, sum(events)::bigint, round(sum(value_sum)::numeric, 4)
         from rollup_business_daily where day > $1 and ($2 is null or customer_id = $2) group by 1, 3 order by 1, 3'
        using since, customer;
    end if;
  end $$;

-- LLM spend per day, with sessions and cost per session.
create or replace function analytics.customer_spend_daily(days int default 30, customer text default null)
  returns table (customer_id text, day date, cost_cents numeric, sessions bigint, cost_per_session_cents numeric)
  language plpgsql stable security definer set search_path = public, pg_temp set plan_cache_mode = force_custom_plan
  as $$
  #variable_conflict use_column
  begin
    return query
    select r.customer_id, r.day, r.cost_cents, r.sessions, round(r.cost_cents / nullif(r.sessions, 0), 4)
    from rollup_customer_daily r
    where r.day > (now() at time zone 'utc')::date - days and (customer is null or r.customer_id = customer)
      and (r.cost_cents > 0 or r.sessions > 0)
    order by 1, 2;
  end $$;

-- Tokens and cost per model over the window, with the cost bases seen ('+'-joined) and unpriced entries.
create or replace function analytics.customer_models(days int default 30, customer text default null)
  returns table (customer_id text, model text, cost_basis text, entries bigint, input_tokens numeric, output_tokens numeric,
                 cache_read_tokens numeric, cache_creation_tokens numeric, cost_cents numeric, unpriced bigint)
  language plpgsql stable security definer set search_path = public, pg_temp set plan_cache_mode = force_custom_plan
  as $$
  #variable_conflict use_column
  begin
    return query
    select r.customer_id, r.model, string_agg(distinct r.cost_basis, '+' order by r.cost_basis), sum(r.entries)::bigint,
           sum(r.input_tokens), sum(r.output_tokens), sum(r.cache_read_tokens), sum(r.cache_creation_tokens),
           sum(r.cost_cents), sum(r.unpriced)::bigint
    from rollup_model_agent_daily r
    where r.day > (now() at time zone 'utc')::date - days and (customer is null or r.customer_id = customer)
    group by 1, 2
    order by 1, 9 desc, 2;
  end $$;

-- This month (UTC) so far: spend against the contract value, and the margin.
create or replace function analytics.customer_margin(customer text default null)
  returns table (customer_id text, month date, monthly_cents bigint, cost_cents numeric, margin_cents numeric, spend_share numeric)
  language plpgsql stable security definer set search_path = public, pg_temp set plan_cache_mode = force_custom_plan
  as $$
  #variable_conflict use_column
  begin
    return query
    with m as (select date_trunc('month', now() at time zone 'utc')::date as month),
    spend as (
      select r.customer_id, sum(r.cost_cents) as cost from rollup_customer_daily r cross join m
      where r.day >= m.month and (customer is null or r.customer_id = customer) group by 1)
    select c.id, m.month, k.monthly_cents, coalesce(s.cost, 0), k.monthly_cents - coalesce(s.cost, 0),
           round(coalesce(s.cost, 0) / nullif(k.monthly_cents, 0), 4)
    from customers c cross join m
    left join customer_contracts k on k.customer_id = c.id
    left join spend s on s.customer_id = c.id
    where customer is null or c.id = customer
    order by 1;
  end $$;

-- Active time (claude_code.active_time.total, seconds) per customer and agent in a month, when that rollup exists.
create or replace function analytics.active_time(month date, customer text default null)
  returns table (customer_id text, agent_id text, seconds numeric)
  language plpgsql stable security definer set search_path = public, pg_temp
  as $$
  begin
    if to_regclass('public.rollup_usage_metric_daily') is not null then
      return query execute
        'select customer_id::text, agent_id::text, sum(value)::numeric from rollup_usage_metric_daily
         where metric = ''claude_code.active_time.total'' and day >= $1 and day < ($1 + interval ''1 month'')::date
           and ($2 is null or customer_id = $2) group by 1, 2'
        using month, customer;
    end if;
  end $$;

-- A month's usage per customer and agent, computed from the rollups (what a month is frozen from).
create or replace function analytics.usage_live(month date, customer text default null)
  returns table (customer_id text, agent_id text, sessions bigint, active_agents bigint, tool_calls bigint,
                 input_tokens numeric, output_tokens numeric, cache_read_tokens numeric, cache_creation_tokens numeric,
                 cost_cents numeric, cost_basis text, active_time_s numeric)
  language plpgsql stable security definer set search_path = public, pg_temp set plan_cache_mode = force_custom_plan
  as $$
  #variable_conflict use_column
  begin
    return query
    with a as (
      select r.customer_id, r.agent_id, sum(r.sessions) as sessions, sum(r.tool_calls) as tool_calls, sum(r.events) as events
      from rollup_agent_daily r
      where r.day >= month and r.day < (month + interval '1 month')::date and (customer is null or r.customer_id = customer)
      group by 1, 2),
    m as (
      select r.customer_id, r.agent_id, sum(r.input_tokens) as input, sum(r.output_tokens) as output,
             sum(r.cache_read_tokens) as cache_read, sum(r.cache_creation_tokens) as cache_creation,
             sum(r.cost_cents) as cost, string_agg(distinct r.cost_basis, '+' order by r.cost_basis) as basis
      from rollup_model_agent_daily r
      where r.day >= month and r.day < (month + interval '1 month')::date and (customer is null or r.customer_id = customer)
      group by 1, 2)
    select coalesce(a.customer_id, m.customer_id), coalesce(a.agent_id, m.agent_id), coalesce(a.sessions, 0)::bigint,
           (coalesce(a.events, 0) > 0)::int::bigint, coalesce(a.tool_calls, 0)::bigint, coalesce(m.input, 0),
           coalesce(m.output, 0), coalesce(m.cache_read, 0), coalesce(m.cache_creation, 0), coalesce(m.cost, 0),
           coalesce(m.basis, 'none'), t.seconds
    from a full join m on m.customer_id = a.customer_id and m.agent_id = a.agent_id
    left join analytics.active_time(month, customer) t
      on t.customer_id = coalesce(a.customer_id, m.customer_id) and t.agent_id = coalesce(a.agent_id, m.agent_id)
    order by 1, 2;
  end $$;

-- Usage for billing: a closed month's stored figures (never recomputed), an open month's from the rollups,
-- then the adjustment lines that arrived in the month for months already closed.
create or replace function analytics.usage(billing_month date, customer text default null)
  returns table (line text, month date, usage_month date, frozen boolean, customer_id text, agent_id text, sessions bigint,
                 active_agents bigint, tool_calls bigint, input_tokens numeric, output_tokens numeric,
                 cache_read_tokens numeric, cache_creation_tokens numeric, cost_cents numeric, cost_basis text,
                 active_time_s numeric)
  language plpgsql stable security definer set search_path = public, pg_temp
  as $$
  #variable_conflict use_column
  declare
    closed boolean := exists (select 1 from billing_months b where b.month = billing_month);
  begin
    if closed then
      return query
      select 'usage'::text, b.month, b.month, true, b.customer_id, b.agent_id, b.sessions, b.active_agents, b.tool_calls,
             b.input_tokens, b.output_tokens, b.cache_read_tokens, b.cache_creation_tokens, b.cost_cents, b.cost_basis,
             b.active_time_s
      from billing_usage b where b.month = billing_month and (customer is null or b.customer_id = customer)
      order by b.customer_id, b.agent_id;
    else
      return query
      select 'usage'::text, billing_month, billing_month, false, l.* from analytics.usage_live(billing_month, customer) l;
    end if;
    return query
    select 'adjustment'::text, j.arrived_month, j.usage_month, closed, j.customer_id, j.agent_id, j.sessions, null::bigint,
           j.tool_calls, j.input_tokens, j.output_tokens, j.cache_read_tokens, j.cache_creation_tokens, j.cost_cents,
           coalesce(nullif(array_to_string(j.cost_bases, '+'), ''), 'none'), null::numeric
    from billing_adjustments j
    where j.arrived_month = billing_month and (customer is null or j.customer_id = customer)
    order by j.usage_month, j.customer_id, j.agent_id;
  end $$;
-- Customer read tokens (portal): the categories at least k customers use, without their names, for a
-- reader scoped to one customer; fewer than k would let it guess who the others are.
create or replace function analytics.categories_shared(days int default 30, k int default 5)
  returns table (category text, customers bigint, sessions bigint)
  language sql stable security definer set search_path = public, pg_temp
  begin atomic
    select a.category, a.customers, a.sessions
    from analytics.categories_across(days, null) a
    where a.customers >= greatest(k, 2)
    order by 2 desc, 3 desc, 1;
  end;
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
