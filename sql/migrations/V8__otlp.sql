-- OTLP/HTTP in (dev.brain.otlp): usage metrics rolled up per day, cumulative series state, records counted
-- by name, and the ids of what was counted so a retried export counts once.

-- Named counters per UTC day, customer and agent (Claude Code's active time, lines of code, commits, pull
-- requests, sessions, tokens, cost; any monotonic OTLP sum). Kept forever like the other rollups.
create table rollup_usage_metric_daily (
  day         date not null,
  customer_id text not null,
  agent_id    text not null,
  metric      text not null,
  value       double precision not null,
  primary key (day, customer_id, agent_id, metric)
);
create index rollup_usage_metric_daily_customer on rollup_usage_metric_daily (customer_id, day);

-- The last point of each cumulative series: the next point adds its difference (a reset starts over).
create table otlp_cumulative_series (
  customer_id text not null,
  series_id   uuid not null,
  start_ns    bigint not null,
  time_ns     bigint not null,
  value       double precision not null,
  seen_at     timestamptz not null default now(),
  primary key (customer_id, series_id)
);

-- Records that have no model of their own (other Claude Code events, non-GenAI spans, gauges, histograms):
-- counted by signal and name per day, so nothing is silently lost.
create table otlp_records_daily (
  day         date not null,
  customer_id text not null,
  agent_id    text not null,
  signal      text not null,
  name        text not null,
  records     bigint not null,
  primary key (day, customer_id, agent_id, signal, name)
);

-- Deterministic ids of the delta points and named records already counted (pruned after two days).
create table otlp_counted (
  customer_id text not null,
  record_id   uuid not null,
  seen_at     timestamptz not null default now(),
  primary key (customer_id, record_id)
);
create index otlp_counted_seen on otlp_counted (seen_at);
