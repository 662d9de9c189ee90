-- The seed's events table as the seed wrote it (one table, bigserial key, the four seed indexes), plus
-- the unique index on event_id that idempotency needs: the naive design `make bench` measures against.
create table events (
  id               bigserial primary key,
  ts               timestamptz not null,
  ingested_at      timestamptz not null default now(),
  customer_id      text not null,
  agent_id         text not null,
  event_type       text not null,
  session_id       text,
  event_id         uuid not null,
  payload          jsonb not null,
  summary_redacted text
);
create index events_customer_ts on events (customer_id, ts desc);
create index events_agent_ts    on events (agent_id, ts desc);
create index events_type_ts     on events (event_type, ts desc);
create index events_session     on events (session_id) where session_id is not null;
create unique index events_event_id on events (event_id);
