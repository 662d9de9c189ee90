-- 9. Business outcomes (business.event): per customer, outcome name and day, how many and their summed value.
-- Metabase variables: days (Number, required, default 30), customer (Text, optional).
select customer_id, name, day, events, value_sum
from analytics.business_outcomes({{days}})
where true [[and customer_id = {{customer}}]]
order by day desc, customer_id, name
