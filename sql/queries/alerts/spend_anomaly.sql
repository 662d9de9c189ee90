-- spend_anomaly: a customer's spend today (rollup_customer_daily.cost_cents) with a z-score of :z or
-- more against its last 28 days (days without spend count as 0 once the customer exists; sigma at least
-- a tenth of the mean; at least :min_cents today; 14 days of history), or above its daily budget.
with p as (select (cast(:now as timestamptz) at time zone 'UTC')::date as today),
origin as (select customer_id, min(day) as first_day from rollup_customer_daily group by 1),
d as (
  select r.customer_id, f.first_day,
         coalesce(sum(r.cost_cents) filter (where r.day = p.today), 0) as cents,
         coalesce(sum(r.cost_cents) filter (where r.day < p.today), 0) as total,
         coalesce(sum(r.cost_cents * r.cost_cents) filter (where r.day < p.today), 0) as squares,
         p.today - greatest(f.first_day, p.today - 28) as days
  from rollup_customer_daily r join origin f using (customer_id) cross join p
  where r.day > p.today - 29 and r.day <= p.today
  group by r.customer_id, f.first_day, p.today
),
z as (
  select d.*, d.total / nullif(d.days, 0) as mean,
         greatest(sqrt(greatest(d.squares / nullif(d.days, 0) - power(d.total / nullif(d.days, 0), 2), 0)
                       * d.days / nullif(d.days - 1, 0)), d.total / nullif(d.days, 0) / 10, 1) as sd
  from d
),
hit as (
  select z.customer_id, z.cents, z.mean, z.sd, z.days, b.daily_cents as budget,
         case when z.days >= 14 and z.cents >= :min_cents then (z.cents - z.mean) / z.sd end as score
  from z cross join p left join customer_budgets b using (customer_id)
)
select h.customer_id as subject, h.customer_id, null::text as agent_id,
       h.customer_id || ': spend today ' || round(h.cents) || '¢'
         || case when h.score >= cast(:z as numeric) then ', z-score ' || round(h.score, 1) || ' against ' || round(h.mean) || '¢ ± '
                 || round(h.sd) || '¢ a day over ' || h.days || ' days' else '' end
         || case when h.budget is not null and h.cents > h.budget then ', over the daily budget of ' || round(h.budget) || '¢'
                 else '' end as message,
       jsonb_build_object('cost_cents_today', round(h.cents, 2), 'z_score', round(h.score, 2), 'mean_cents', round(h.mean, 2),
                          'sigma_cents', round(h.sd, 2), 'history_days', h.days, 'daily_budget_cents', h.budget) as detail
from hit h
where h.score >= cast(:z as numeric) or (h.budget is not null and h.cents > h.budget)
