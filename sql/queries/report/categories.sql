-- Sessions per category (aliases applied) in the digest's week and the week before, across customers.
select coalesce(a.canonical, r.category) as category,
       coalesce(sum(r.sessions) filter (where r.day >= cast(:since as date)), 0)::bigint as sessions,
       coalesce(sum(r.sessions) filter (where r.day < cast(:since as date)), 0)::bigint as sessions_prev,
       count(distinct r.customer_id) filter (where r.day >= cast(:since as date)) as customers
from rollup_category_daily r left join category_aliases a on a.alias = r.category
where r.day >= cast(:since as date) - 7 and r.day < cast(:since as date) + 7 and (cast(:customer as text) is null or r.customer_id = :customer)
group by 1
order by abs(coalesce(sum(r.sessions) filter (where r.day >= cast(:since as date)), 0) - coalesce(sum(r.sessions) filter (where r.day < cast(:since as date)), 0)) desc, 1
