-- new_error: an error stack_hash first seen for the customer in the last 24 hours that reached :min_count
-- in one UTC hour, this hour or the one before (rollup_error_hourly).
with p as (select cast(:now as timestamptz) as now),
recent as (
  select r.customer_id, r.stack_hash, max(r.errors) as peak, sum(r.errors) as total
  from rollup_error_hourly r, p
  where r.hour >= date_trunc('hour', p.now, 'UTC') - interval '1 hour' and r.hour <= p.now
  group by 1, 2 having max(r.errors) >= :min_count
),
firsts as (
  select r.*, (select min(e.hour) from rollup_error_hourly e
               where e.customer_id = r.customer_id and e.stack_hash = r.stack_hash) as first_hour
  from recent r
)
select f.customer_id || ' ' || f.stack_hash as subject, f.customer_id, null::text as agent_id,
       f.customer_id || ': new error ' || f.stack_hash || ', ' || f.peak || ' times in one hour (first seen in the hour from '
         || to_char(f.first_hour at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC)' as message,
       jsonb_build_object('stack_hash', f.stack_hash, 'peak_per_hour', f.peak, 'last_2h', f.total, 'first_seen_hour', f.first_hour,
                          'threshold', :min_count) as detail
from firsts f, p
where f.first_hour >= date_trunc('hour', p.now, 'UTC') - interval '24 hours'
