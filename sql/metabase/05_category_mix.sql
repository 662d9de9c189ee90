-- 5. Category mix per customer: sessions per canonical category (normalised, aliases applied).
-- Metabase variables: days (Number, required, default 30), customer (Text, optional).
select customer_id, category, sessions
from analytics.categories({{days}})
where true [[and customer_id = {{customer}}]]
order by customer_id, sessions desc
