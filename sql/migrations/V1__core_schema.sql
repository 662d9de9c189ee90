-- Core schema: the seed's four tables, plus idempotency keys, rejected events and partitions.

create table customers (
  id            text primary key,
  name          text not null,
  privacy_tier  text not null check (privacy_tier in ('a','b','c')),
  created_at    timestamptz not null default now()
);

create table agents (
  id            text primary key,
  customer_id   text not null references customers(id),
  kind          text,
  version       text,
  last_seen_at  timestamptz,
  created_at    timestamptz not null default now()
);
create index agents_customer on agents (customer_id);

create table api_keys (
  id            text primary key,
  agent_id      text not null references agents(id),
  key_hash      bytea not null unique,
  label         text,
  created_at    timestamptz not null default now(),
  revoked_at    timestamptz
);
create index api_keys_agent on api_keys (agent_id);

-- Range-partitioned by month on ts. The primary key must include the partition key.
create table events (
  id               bigint generated always as identity,
  ts               timestamptz not null,
  ingested_at      timestamptz not null default now(),
  customer_id      text not null,
  agent_id         text not null,
  event_type       text not null,
  session_id       text,
  event_id         uuid not null,
  payload          jsonb not null,
  summary_redacted text,
  primary key (id, ts)
) partition by range (ts);

create table events_default partition of events default;

create index events_customer_ts on events (customer_id, ts desc);
create index events_agent_ts    on events (agent_id, ts desc);
create index events_type_ts     on events (event_type, ts desc);
create index events_session     on events (session_id) where session_id is not null;

-- Idempotency: a unique constraint on event_id alone cannot live on a table partitioned by ts,
-- so every accepted event_id is claimed here first (insert ... on conflict do nothing).
create table event_keys (
  event_id  uuid primary key,
  ts        timestamptz not null
);
create index event_keys_ts on event_keys (ts);

-- What was refused, and why; never the body.
create table rejected_events (
  id           bigint generated always as identity primary key,
  rejected_at  timestamptz not null default now(),
  customer_id  text,
  agent_id     text,
  event_id     text,
  event_index  int,
  code         text not null,
  request_id   text
);
create index rejected_events_at on rejected_events (rejected_at);
