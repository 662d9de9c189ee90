-- dropped_events: agents whose heartbeats reported dropped events this UTC hour or the one before.
with p as (select cast(:now as timestamptz) as now)
select r.agent_id as subject, min(r.customer_id) as customer_id, r.agent_id,
       r.agent_id || ' (' || min(r.customer_id) || '): ' || sum(r.dropped) || ' events dropped, reported by '
         || sum(r.heartbeats) || ' heartbeats since ' || to_char(min(r.hour) at time zone 'UTC', 'HH24:MI') || ' UTC' as message,
       jsonb_build_object('dropped_events', sum(r.dropped), 'heartbeats', sum(r.heartbeats), 'since', min(r.hour)) as detail
from rollup_agent_dropped_hourly r, p
where r.hour >= date_trunc('hour', p.now, 'UTC') - interval '1 hour' and r.hour <= p.now
group by r.agent_id
having sum(r.dropped) > 0
