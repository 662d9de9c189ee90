-- 1. Engagement: sessions started per customer per day (UTC), zero-filled.
-- Metabase variables: days (Number, required, default 30), customer (Text, optional).
select customer_id, day, sessions
from analytics.engagement({{days}})
where true [[and customer_id = {{customer}}]]
order by customer_id, day
