-- 4. Token spend: cost (cents) and tokens per customer per day (UTC), summed over every model.
-- Metabase variables: day (Date filter, field analytics.spend_daily.day), customer (Text, optional).
-- Without a date filter it shows everything kept (rollups are never expired).
select customer_id, day, cost_cents, input_tokens, output_tokens
from analytics.spend_daily
where true [[and {{day}}]] [[and customer_id = {{customer}}]]
order by day, customer_id
