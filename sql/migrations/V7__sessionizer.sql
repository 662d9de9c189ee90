-- The sessionizer (dev.brain.sessions): sessions assembled server-side from many small records
-- (OTLP logs and spans, granular events). A session opens at the first record of its id (per
-- customer) and closes when its end is known or after BRAIN_SESSION_IDLE_S without records.

-- One row per (customer, session id), kept after close so a late record continues the session
-- instead of opening a second one. generation counts continuations (0 = the first run).
create table sessionizer_sessions (
  customer_id    text not null,
  session_id     text not null,
  agent_id       text not null,
  category       text not null,
  source         text not null,
  generation     int not null default 0,
  first_ts       timestamptz not null,
  touched_at     timestamptz not null default now(),   -- arrival of the last new record: the idle clock
  end_known      boolean not null default false,       -- an end marker arrived (invoke_agent root span)
  start_event_id uuid,                                 -- our session.start; null when the hooks reported the session
  closed_at      timestamptz,                          -- null while open
  primary key (customer_id, session_id)
);
create index sessionizer_sessions_open on sessionizer_sessions (touched_at) where closed_at is null;

-- Every record the sessions are summed from, keyed by a deterministic id so a retried export
-- stores once. kind: tool | llm | error | prompt | status | end.
create table sessionizer_fragments (
  customer_id           text not null,
  fragment_id           uuid not null,
  session_id            text not null,
  generation            int not null,
  ts                    timestamptz not null,
  end_ts                timestamptz,
  kind                  text not null,
  name                  text,
  ok                    boolean,
  ms                    bigint,
  input_tokens          bigint,
  output_tokens         bigint,
  cache_read_tokens     bigint,
  cache_creation_tokens bigint,
  cost_cents            numeric,
  size                  bigint,
  primary key (customer_id, fragment_id)
);
create index sessionizer_fragments_session on sessionizer_fragments (customer_id, session_id, generation);
