-- Sessions per customer in the digest's week [:since, :since + 7) and the week before, with health now.
with w as (
  select c.id as customer_id,
         coalesce(sum(r.sessions) filter (where r.day >= cast(:since as date)), 0)::bigint as sessions,
         coalesce(sum(r.sessions) filter (where r.day < cast(:since as date)), 0)::bigint as sessions_prev
  from customers c
  left join rollup_customer_daily r on r.customer_id = c.id and r.day >= cast(:since as date) - 7 and r.day < cast(:since as date) + 7
  where cast(:customer as text) is null or c.id = :customer
  group by c.id)
select w.customer_id, w.sessions, w.sessions_prev, w.sessions - w.sessions_prev as change, h.score, h.reason
from w join analytics.health(30, :customer) h on h.customer_id = w.customer_id
where w.sessions <> w.sessions_prev
order by abs(w.sessions - w.sessions_prev) desc, w.customer_id
