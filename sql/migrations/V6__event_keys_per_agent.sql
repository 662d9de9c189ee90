-- Idempotency is scoped to the agent that owns the key: one tenant's event_id never suppresses
-- (nor reveals) another's. event_keys is rebuilt with the agent in its primary key; each existing
-- key takes the agent of the event it guards (event_id was globally unique until now). A key whose
-- event is gone guards nothing and is not carried over.

-- An instance still running the previous version waits here instead of claiming a key that the
-- copy below would miss.
lock table event_keys in exclusive mode;

create table event_keys_scoped (
  event_id  uuid not null,
  agent_id  text not null,
  ts        timestamptz not null
);

-- Loaded before the indexes exist: one sort per index instead of a b-tree insert per row.
insert into event_keys_scoped (event_id, agent_id, ts)
select k.event_id, e.agent_id, k.ts
from event_keys k join events e on e.event_id = k.event_id;

drop table event_keys;
alter table event_keys_scoped rename to event_keys;
alter table event_keys add constraint event_keys_pkey primary key (event_id, agent_id);
create index event_keys_ts on event_keys (ts);
