-- agent_silent: agents with an event in the 7 days before :now and none for :minutes (rollup_agent_seen).
-- Every rule query returns subject, customer_id, agent_id, message, detail (jsonb) for what fires now.
with p as (select cast(:now as timestamptz) as now, make_interval(mins => :minutes) as quiet),
silent as (
  select s.agent_id, s.customer_id, s.last_ts, floor(extract(epoch from p.now - s.last_ts) / 60)::bigint as minutes
  from rollup_agent_seen s, p
  where s.last_ts > p.now - interval '7 days' and s.last_ts <= p.now - p.quiet
),
fleet as (
  select a.customer_id, count(*) as agents,
         count(*) filter (where x.last_ts is null or x.last_ts <= p.now - p.quiet) as silent
  from agents a cross join p left join rollup_agent_seen x on x.agent_id = a.id
  where a.customer_id in (select customer_id from silent)
  group by 1
)
select s.agent_id as subject, s.customer_id, s.agent_id,
       s.agent_id || ' (' || s.customer_id || '): no event for ' || s.minutes || ' min (last at '
         || to_char(s.last_ts at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC); '
         || f.silent || ' of ' || f.agents || ' agents of ' || s.customer_id || ' silent' as message,
       jsonb_build_object('silent_minutes', s.minutes, 'last_seen_at', s.last_ts, 'threshold_minutes', :minutes,
                          'agents', f.agents, 'agents_silent', f.silent) as detail
from silent s join fleet f using (customer_id)
