-- Opens the sessions this request saw first, in one round trip: unless another path (the hooks, an SDK, the sender of
-- granular events) already wrote a session.start for the id from a day before its first record on (V28's index),
-- write our session.start, claimed in event_keys like any event so it stores once, and remember its id (the closing
-- job writes an end only then). Answers, per session, whether it was reported elsewhere.
with hooked as (
  select i.*, exists (select 1 from events e
                      where e.session_id = i.session_id and e.customer_id = :customer and e.event_type = 'session.start'
                        and e.ts >= cast(i.ts as timestamptz) - interval '1 day') as yes
  from unnest(cast(:sessions as text[]), cast(:eventIds as text[]), cast(:agents as text[]), cast(:ts as text[]),
              cast(:payloads as text[])) as i(session_id, event_id, agent_id, ts, payload)
), fresh as (
  insert into event_keys (event_id, agent_id, ts)
  select cast(event_id as uuid), agent_id, cast(ts as timestamptz) from hooked where not yes
  on conflict (event_id, agent_id) do nothing
  returning event_id
), written as (
  insert into events (ts, customer_id, agent_id, event_type, session_id, event_id, payload)
  select cast(h.ts as timestamptz), :customer, h.agent_id, 'session.start', h.session_id, f.event_id, cast(h.payload as jsonb)
  from hooked h join fresh f on f.event_id = cast(h.event_id as uuid)
  returning 1
), marked as (
  update sessionizer_sessions s set start_event_id = cast(h.event_id as uuid)
  from hooked h
  where s.customer_id = :customer and s.session_id = h.session_id and not h.yes
  returning 1
)
select session_id, yes, (select count(*) from written) as written, (select count(*) from marked) as marked from hooked
