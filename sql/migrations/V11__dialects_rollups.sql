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
