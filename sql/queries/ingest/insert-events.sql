-- GroupCommit's statement (its Javadoc says why; kept short: pg_stat_activity shows the first 1 KB).
with input as (
  select cast(k.event_id as uuid) as event_id, cast(k.ts as timestamptz) as ts, k.event_type, k.session_id,
         k.agent_id, k.customer_id, k.arrival, k.payload, k.pos
  from rows from (unnest(cast(? as text[])), unnest(cast(? as text[])), unnest(cast(? as text[])),
                  unnest(cast(? as text[])), unnest(cast(? as text[])), unnest(cast(? as text[])),
                  unnest(cast(? as int[])), jsonb_array_elements(cast(? as jsonb)))
       with ordinality as k(event_id, ts, event_type, session_id, agent_id, customer_id, arrival, payload, pos)
), fresh as (
  insert into event_keys (event_id, agent_id, ts) select event_id, agent_id, ts from input
  on conflict (event_id, agent_id) do nothing
  returning event_id, agent_id
), stored as (
  insert into events (ts, customer_id, agent_id, event_type, session_id, event_id, payload)
  select i.ts, i.customer_id, i.agent_id, i.event_type, i.session_id, i.event_id, i.payload
  from input i join fresh f using (event_id, agent_id)
  order by i.arrival
)
select i.pos from input i join fresh f using (event_id, agent_id)
