-- customer_engagement_drop: sessions started in the 7 days up to :now against the 7 before, with at
-- least :min_before before, down by :drop_pct percent or more (rollup_customer_daily).
with p as (select cast(:now as timestamptz) as now, (cast(:now as timestamptz) at time zone 'UTC')::date as today),
w as (
  select r.customer_id,
         coalesce(sum(r.sessions) filter (where r.day > p.today - 7), 0) as s7,
         coalesce(sum(r.sessions) filter (where r.day <= p.today - 7), 0) as p7
  from rollup_customer_daily r, p
  where r.day > p.today - 14 and r.day <= p.today
  group by 1
),
hit as (select * from w where p7 >= :min_before and s7 <= p7 * (100 - :drop_pct) / 100.0),
fleet as (
  select a.customer_id, count(*) as agents,
         count(*) filter (where x.last_ts is null or x.last_ts <= p.now - make_interval(mins => :silent_minutes)) as silent
  from agents a cross join p left join rollup_agent_seen x on x.agent_id = a.id
  where a.customer_id in (select customer_id from hit)
  group by 1
)
select h.customer_id as subject, h.customer_id, null::text as agent_id,
       h.customer_id || ': ' || h.s7 || ' sessions in the last 7 days, down ' || round(100.0 * (h.p7 - h.s7) / h.p7)
         || '% from ' || h.p7 || '; ' || coalesce(f.silent, 0) || ' of ' || coalesce(f.agents, 0) || ' agents silent' as message,
       jsonb_build_object('sessions_7d', h.s7, 'sessions_prev_7d', h.p7, 'drop_pct', round(100.0 * (h.p7 - h.s7) / h.p7),
                          'threshold_pct', :drop_pct, 'agents', coalesce(f.agents, 0), 'agents_silent', coalesce(f.silent, 0)) as detail
from hit h left join fleet f using (customer_id)
