-- 11. The agent-framework collector's metrics: per customer, its agent name and day, events, approval rate
-- (APPROVED, CONFIRMED, OK) and success rate (success = true).
-- Metabase variables: days (Number, required, default 30), customer (Text, optional).
select customer_id, agent_name, day, events, approval_rate, success_rate
from analytics.decisions({{days}})
where true [[and customer_id = {{customer}}]]
order by day desc, customer_id, agent_name
