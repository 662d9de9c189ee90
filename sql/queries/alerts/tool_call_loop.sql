-- tool_call_loop: a session that ended in the last 24 hours and reported more than :max_calls tool calls.
select r.customer_id || ' ' || r.session_id as subject, r.customer_id, r.agent_id,
       r.customer_id || ': session ' || r.session_id || ' of ' || r.agent_id || ' made ' || r.calls
         || ' tool calls (limit ' || :max_calls || ')' as message,
       jsonb_build_object('session_id', r.session_id, 'tool_calls', r.calls, 'threshold', :max_calls, 'ended_at', r.last_ts) as detail
from rollup_session_tool_calls r
where r.last_ts > cast(:now as timestamptz) - interval '24 hours' and r.last_ts <= cast(:now as timestamptz) + interval '1 hour'
  and r.calls > :max_calls
