-- failure_spike: today's failure and escalation rate per customer, and failure rate per customer x tool,
-- against the same subject's last 28 days (days with at least :min_volume ended sessions or calls), by
-- the Western Electric rules on the daily rate, upwards only: today beyond mean + 3 sigma; two of the
-- last three days beyond 2 sigma (today one of them); eight days in a row above the mean. Sigma is at
-- least :min_sigma, so a flat history does not fire on one failure. Customers with fewer than 14 days
-- of history are learning and stay quiet. One pass over the window: each subject's history statistics,
-- today's point and its last 8 days' rates in one aggregate; the rules then look at those few rates.
-- Rates are float8 (numeric stddev over ~170k points cost seconds); tools are read from
-- rollup_tool_calls_daily (no latency buckets: a quarter of rollup_tool_daily's rows).
with p as (select (cast(:now as timestamptz) at time zone 'UTC')::date as today),
series as (
  select r.customer_id, 'failed' as metric, '' as tool, r.day, r.success + r.failed + r.escalated as n, r.failed as bad
  from rollup_customer_daily r, p where r.day > p.today - 29 and r.day <= p.today
  union all
  select r.customer_id, 'escalated', '', r.day, r.success + r.failed + r.escalated, r.escalated
  from rollup_customer_daily r, p where r.day > p.today - 29 and r.day <= p.today
  union all
  select r.customer_id, 'tool_failed', r.tool, r.day, r.calls, r.failures
  from rollup_tool_calls_daily r, p where r.day > p.today - 29 and r.day <= p.today
),
base as (
  select s.customer_id, s.metric, s.tool, count(*) filter (where s.day < p.today) as points,
         avg(s.bad::float8 / s.n) filter (where s.day < p.today) as mean,
         greatest(coalesce(stddev_samp(s.bad::float8 / s.n) filter (where s.day < p.today), 0), cast(:min_sigma as float8)) as sd,
         max(s.n) filter (where s.day = p.today) as n,
         max(s.bad) filter (where s.day = p.today) as bad,
         array_agg(s.bad::float8 / s.n) filter (where s.day > p.today - 3) as last3,
         array_agg(s.bad::float8 / s.n) filter (where s.day > p.today - 8) as last8
  from series s, p
  where s.n >= :min_volume
  group by 1, 2, 3
  having count(*) filter (where s.day < p.today) >= 5 and count(*) filter (where s.day = p.today) > 0
),
flags as (
  select b.*, b.bad::float8 / b.n as rate,
         (select count(*) from unnest(b.last3) v where v > b.mean + 2 * b.sd) as beyond_2sd_of_3,
         (select count(*) from unnest(b.last8) v where v > b.mean + 1e-9) as above_mean_of_8
  from base b
),
hit as (
  select f.*, case when f.rate > f.mean + 3 * f.sd then 'beyond 3 sigma'
                   when f.beyond_2sd_of_3 >= 2 and f.rate > f.mean + 2 * f.sd then '2 of 3 days beyond 2 sigma'
                   else '8 days in a row above the mean' end as why
  from flags f, p
  where (f.rate > f.mean + 3 * f.sd or (f.beyond_2sd_of_3 >= 2 and f.rate > f.mean + 2 * f.sd) or f.above_mean_of_8 >= 8)
    and exists (select 1 from rollup_customer_daily g where g.customer_id = f.customer_id and g.day <= p.today - 14)
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
