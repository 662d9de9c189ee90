-- The rollups the alert rules read (dev.brain.alerts), folded from the same events with lo < id <= hi
-- and in the same transaction as rollup.sql: dropped events per agent-hour, errors per customer,
-- stack_hash and hour, tool calls per session (sessions with at least :min_session_calls only).
with e as materialized (
  select customer_id, agent_id, event_type, session_id, ts, payload
  from events where id > :lo and id <= :hi and event_type in ('heartbeat', 'error', 'session.end')
),
up_dropped as (
  insert into rollup_agent_dropped_hourly as r (agent_id, customer_id, hour, heartbeats, dropped)
  select agent_id, min(customer_id), date_trunc('hour', ts, 'UTC'), count(*),
         coalesce(sum(brain_rollup_number(payload -> 'dropped_events_since_last', :max_dropped,
                                          'payload.dropped_events_since_last')), 0)
  from e where event_type = 'heartbeat'
  group by 1, 3
  on conflict (hour, agent_id) do update set
    heartbeats = r.heartbeats + excluded.heartbeats, dropped = r.dropped + excluded.dropped
),
up_errors as (
  insert into rollup_error_hourly as r (customer_id, stack_hash, hour, errors)
  select customer_id, payload ->> 'stack_hash', date_trunc('hour', ts, 'UTC'), count(*)
  from e where event_type = 'error' and jsonb_typeof(payload -> 'stack_hash') = 'string'
  group by 1, 2, 3
  on conflict (customer_id, stack_hash, hour) do update set errors = r.errors + excluded.errors
),
up_sessions as (
  insert into rollup_session_tool_calls as r (customer_id, session_id, agent_id, last_ts, calls)
  select customer_id, session_id, min(agent_id), max(ts), sum(jsonb_array_length(payload -> 'tool_calls'))
  from e where event_type = 'session.end' and session_id is not null and jsonb_typeof(payload -> 'tool_calls') = 'array'
  group by 1, 2
  having sum(jsonb_array_length(payload -> 'tool_calls')) >= :min_session_calls
  on conflict (customer_id, session_id) do update set
    calls = r.calls + excluded.calls, last_ts = greatest(r.last_ts, excluded.last_ts)
)
select count(*) from e
