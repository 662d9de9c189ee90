-- Opens a session the sessionizer saw first, in one round trip: unless another path (the hooks, an SDK) already wrote a
-- session.start for this id from a day before the first record on (V28's index), write our session.start, claimed in
-- event_keys like any event so it stores once, and remember its id (the closing job writes an end only then).
-- Answers whether the session was reported elsewhere.
with hooked as (
  select exists (select 1 from events
                 where session_id = :session and customer_id = :customer and event_type = 'session.start'
                   and ts >= cast(:ts as timestamptz) - interval '1 day') as yes
), fresh as (
  insert into event_keys (event_id, agent_id, ts)
  select cast(:eventId as uuid), :agent, cast(:ts as timestamptz) from hooked where not yes
  on conflict (event_id, agent_id) do nothing
  returning event_id
), written as (
  insert into events (ts, customer_id, agent_id, event_type, session_id, event_id, payload)
  select cast(:ts as timestamptz), :customer, :agent, 'session.start', :session, event_id, cast(:payload as jsonb) from fresh
  returning 1
), marked as (
  update sessionizer_sessions set start_event_id = cast(:eventId as uuid)
  where customer_id = :customer and session_id = :session and not (select yes from hooked)
  returning 1
)
select yes, (select count(*) from written) as written, (select count(*) from marked) as marked from hooked
