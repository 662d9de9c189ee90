-- failure_spike: today's failure and escalation rate per customer, and failure rate per customer x tool,
-- against the same subject's last 28 days (days with at least :min_volume ended sessions or calls), by
-- the Western Electric rules on the daily rate, upwards only: today beyond mean + 3 sigma; two of the
-- last three days beyond 2 sigma (today one of them); eight days in a row above the mean. Sigma is at
-- least :min_sigma, so a flat history does not fire on one failure. Customers with fewer than 14 days
-- of history are learning and stay quiet. Rates are float8: numeric stddev over ~170k points cost seconds.
with p as (select (cast(:now as timestamptz) at time zone 'UTC')::date as today),
grown as (
  select customer_id from rollup_customer_daily, p group by customer_id, p.today having min(day) <= p.today - 14
),
series as (
  select r.customer_id, 'failed' as metric, '' as tool, r.day, r.success + r.failed + r.escalated as n, r.failed as bad
  from rollup_customer_daily r, p where r.day > p.today - 29 and r.day <= p.today
  union all
  select r.customer_id, 'escalated', '', r.day, r.success + r.failed + r.escalated, r.escalated
  from rollup_customer_daily r, p where r.day > p.today - 29 and r.day <= p.today
  union all
  select r.customer_id, 'tool_failed', r.tool, r.day, sum(r.calls), sum(r.failures)
  from rollup_tool_daily r, p where r.day > p.today - 29 and r.day <= p.today
  group by 1, 2, 3, 4
),
pts as (
  select s.*, s.bad::float8 / s.n as rate from series s join grown g using (customer_id) where s.n >= :min_volume
),
base as (
  select x.customer_id, x.metric, x.tool, count(*) as points, avg(x.rate) as mean,
         greatest(coalesce(stddev_samp(x.rate), 0), cast(:min_sigma as float8)) as sd
  from pts x, p where x.day < p.today group by 1, 2, 3 having count(*) >= 5
),
flags as (
  select b.customer_id, b.metric, b.tool, b.points, b.mean, b.sd,
         max(x.rate) filter (where x.day = p.today) as rate,
         max(x.n) filter (where x.day = p.today) as n,
         max(x.bad) filter (where x.day = p.today) as bad,
         count(*) filter (where x.day > p.today - 3 and x.rate > b.mean + 2 * b.sd) as beyond_2sd_of_3,
         count(*) filter (where x.day > p.today - 8 and x.rate > b.mean + 1e-9) as above_mean_of_8
  from base b join pts x using (customer_id, metric, tool) cross join p
  where x.day > p.today - 8
  group by 1, 2, 3, 4, 5, 6
),
hit as (
  select f.*, case when f.rate > f.mean + 3 * f.sd then 'beyond 3 sigma'
                   when f.beyond_2sd_of_3 >= 2 and f.rate > f.mean + 2 * f.sd then '2 of 3 days beyond 2 sigma'
                   else '8 days in a row above the mean' end as why
  from flags f
  where f.rate is not null
    and (f.rate > f.mean + 3 * f.sd or (f.beyond_2sd_of_3 >= 2 and f.rate > f.mean + 2 * f.sd) or f.above_mean_of_8 >= 8)
)
select h.customer_id || case when h.metric = 'tool_failed' then ' tool ' || h.tool else ' ' || h.metric end as subject,
       h.customer_id, null::text as agent_id,
       h.customer_id || ': ' || case when h.metric = 'tool_failed' then 'tool ' || h.tool || ' failure'
                                     when h.metric = 'failed' then 'failure' else 'escalation' end
         || ' rate ' || round(100 * h.rate::numeric) || '% today (' || h.bad || ' of ' || h.n
         || case when h.metric = 'tool_failed' then ' calls' else ' sessions' end || '), normal '
         || round(100 * h.mean::numeric, 1) || '% ± ' || round(100 * h.sd::numeric, 1) || '% over ' || h.points || ' days; ' || h.why as message,
       jsonb_build_object('metric', h.metric, 'tool', nullif(h.tool, ''), 'rate', round(h.rate::numeric, 4), 'count', h.bad,
                          'volume', h.n, 'mean', round(h.mean::numeric, 4), 'sigma', round(h.sd::numeric, 4), 'history_days', h.points,
                          'rule', h.why) as detail
from hit h
