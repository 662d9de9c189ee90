-- Alerts (dev.brain.alerts): the rollups the rules read beyond V4's (folded by the rollup job from
-- sql/queries/analytics/rollup-alerts.sql), per-customer daily budgets, the alerts themselves, mutes,
-- and the notification outbox. No row here holds a summary, a prompt or an error message.

-- Heartbeats and their dropped_events_since_last, per agent and UTC hour.
create table rollup_agent_dropped_hourly (
  agent_id    text not null,
  customer_id text not null,
  hour        timestamptz not null,
  heartbeats  bigint not null,
  dropped     numeric not null,
  primary key (hour, agent_id)
);

-- Error events per customer, stack_hash and UTC hour (errors without a stack_hash are not counted here).
create table rollup_error_hourly (
  customer_id text not null,
  stack_hash  text not null,
  hour        timestamptz not null,
  errors      bigint not null,
  primary key (customer_id, stack_hash, hour)
);
create index rollup_error_hourly_hour on rollup_error_hourly (hour);

-- Tool calls per session as its session.end events reported them; only sessions with at least 10
-- (the smallest BRAIN_ALERT_TOOL_LOOP) are kept, and the alert job forgets them after 7 days.
create table rollup_session_tool_calls (
  customer_id text not null,
  session_id  text not null,
  agent_id    text not null,
  last_ts     timestamptz not null,
  calls       bigint not null,
  primary key (customer_id, session_id)
);
create index rollup_session_tool_calls_ts on rollup_session_tool_calls (last_ts);

-- `brain admin customer budget --id C --daily-cents N`: spend above it fires spend_anomaly.
create table customer_budgets (
  customer_id text primary key references customers(id),
  daily_cents numeric not null check (daily_cents >= 0),
  updated_at  timestamptz not null default now()
);

-- One row per (rule, subject) while open: the partial unique index makes a second open alert impossible.
create table alerts (
  id            bigint generated always as identity primary key,
  rule          text not null,
  subject       text not null,
  customer_id   text,
  agent_id      text,
  severity      text not null check (severity in ('info', 'warning', 'critical')),
  state         text not null check (state in ('firing', 'resolved')),
  message       text not null,
  detail        jsonb not null,
  link          text not null,
  fired_at      timestamptz not null,
  last_seen_at  timestamptz not null,  -- the last evaluation that changed its message (the numbers)
  resolved_at   timestamptz,
  acked_at      timestamptz,
  acked_by      text,
  delivery      jsonb not null default '{}'
);
create unique index alerts_open on alerts (rule, subject) where state = 'firing';
create index alerts_fired on alerts (fired_at desc);
create index alerts_customer on alerts (customer_id, fired_at desc);

-- A muted rule x subject ('' = every subject of the rule) still opens and resolves alerts, but sends nothing.
create table alert_mutes (
  rule       text not null,
  subject    text not null,
  until      timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (rule, subject)
);

-- The outbox: written in the same transaction as the alert change, delivered by dev.brain.alerts.Notifier.
-- body is the exact JSON sent; a lease keeps a second instance off a notification while one sends it.
create table alert_notifications (
  id              bigint generated always as identity primary key,
  alert_id        bigint not null references alerts(id),
  channel         text not null check (channel in ('slack', 'webhook')),
  kind            text not null check (kind in ('fired', 'resolved')),
  body            text not null,
  state           text not null default 'pending' check (state in ('pending', 'delivered', 'failed')),
  attempts        int not null default 0,
  created_at      timestamptz not null,
  next_attempt_at timestamptz not null,
  lease_until     timestamptz,
  delivered_at    timestamptz,
  last_error      text
);
create index alert_notifications_pending on alert_notifications (channel, next_attempt_at) where state = 'pending';
create index alert_notifications_alert on alert_notifications (alert_id, channel, id);
