-- LLM spend per customer in the digest's week and the week before, and this week's cost per session.
select r.customer_id,
       coalesce(sum(r.cost_cents) filter (where r.day >= cast(:since as date)), 0) as cost_cents,
       coalesce(sum(r.cost_cents) filter (where r.day < cast(:since as date)), 0) as cost_cents_prev,
       coalesce(sum(r.sessions) filter (where r.day >= cast(:since as date)), 0)::bigint as sessions,
       round(sum(r.cost_cents) filter (where r.day >= cast(:since as date)) / nullif(sum(r.sessions) filter (where r.day >= cast(:since as date)), 0), 2)
         as cents_per_session
from rollup_customer_daily r
where r.day >= cast(:since as date) - 7 and r.day < cast(:since as date) + 7 and (cast(:customer as text) is null or r.customer_id = :customer)
group by 1
having sum(r.cost_cents) > 0
order by 2 desc, 1
