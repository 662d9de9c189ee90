-- Issue 12's rollups, folded by the rollup job with the others (sql/queries/analytics/rollup.sql). Days are UTC.

-- business.event: evidence of value, per customer, agent, event name and day.
create table rollup_business_daily (
  day         date not null,
  customer_id text not null,
  agent_id    text not null,
  name        text not null,
  events      bigint not null,
  value_sum   double precision not null,
  primary key (day, customer_id, agent_id, name)
);
create index rollup_business_daily_customer on rollup_business_daily (customer_id, day);
-- For Metabase and other readers (granted to brain_reader with the rest of schema analytics by R__analytics.sql).
create view analytics.business_daily as
  select day, customer_id, agent_id, name, events, value_sum from rollup_business_daily;

-- LLM calls per customer, model, day and latency bucket (brain_latency_bucket of latency_ms; 0 when the call
-- carried none), from llm.call events and session.end llm_usage entries. unpriced: calls whose cost is unknown.
create table rollup_model_daily (
  day                   date not null,
  customer_id           text not null,
  model                 text not null,
  bucket_ms             numeric not null,
  calls                 bigint not null,
  errors                bigint not null,
  input_tokens          numeric not null,
  output_tokens         numeric not null,
  cache_read_tokens     numeric not null,
  cache_creation_tokens numeric not null,
  cost_cents            numeric not null,
  unpriced              bigint not null,
  primary key (day, customer_id, model, bucket_ms)
);

-- The agent-framework collector's own two metrics, per customer, its agent name and day.
create table rollup_decision_daily (
  day         date not null,
  customer_id text not null,
  agent_name  text not null,
  events      bigint not null,
  approved    bigint not null,
  succeeded   bigint not null,
  primary key (day, customer_id, agent_name)
);

-- Whether the agent's session had an event of this type before event id `before`, within a day of `at` (the rollup's
-- "first carrier" rule; the ts window lets the look-up prune partitions at run time).
create function brain_session_has(agent text, session text, type text, before bigint, at timestamptz) returns boolean
  language sql stable parallel safe
  return session is not null and exists (
    select 1 from events g
    where g.session_id = session and g.agent_id = agent and g.event_type = type and g.id < before
      and g.ts between at - interval '1 day' and at + interval '1 day');

-- Whether, before event id `before` and within a day of `at`, the agent's session had a session.end whose embedded
-- list (`field`) counted: non-empty, and no separate `type` event of the session before it.
create function brain_session_embedded_first(agent text, session text, field text, type text, before bigint, at timestamptz)
  returns boolean
  language sql stable parallel safe
  return session is not null and exists (
    select 1 from events x
    where x.session_id = session and x.agent_id = agent and x.event_type = 'session.end' and x.id < before
      and x.ts between at - interval '1 day' and at + interval '1 day'
      and case jsonb_typeof(x.payload -> field) when 'array' then jsonb_array_length(x.payload -> field) > 0
                                                 when 'object' then true else false end
      and not brain_session_has(agent, session, type, x.id, x.ts));
