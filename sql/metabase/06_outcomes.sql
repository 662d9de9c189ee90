-- 6. Escalation / failure rate per customer, from session.end status.
-- Metabase variables: days (Number, required, default 30), customer (Text, optional).
select customer_id, sessions, success, failed, escalated, failure_rate, escalation_rate
from analytics.outcomes({{days}})
where true [[and customer_id = {{customer}}]]
order by failure_rate + escalation_rate desc
