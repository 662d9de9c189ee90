-- The session.start of a session the sessionizer opened, claimed in event_keys like any event so it stores once.
with fresh as (
  insert into event_keys (event_id, agent_id, ts) values (:eventId, :agent, :ts)
  on conflict (event_id, agent_id) do nothing
  returning event_id
)
insert into events (ts, customer_id, agent_id, event_type, session_id, event_id, payload)
select :ts, :customer, :agent, 'session.start', :session, event_id, cast(:payload as jsonb) from fresh
