-- Churn health: 0-100 per customer, riskiest first, with its parts and a one-line reason.
-- score = 40% trend (sessions last 7 days vs the 7 before) + 30% agents with an event in 24 h
--       + 30% quality (1 - failure rate - escalation rate over `days`).
-- Metabase variables: days (Number, required, default 30), customer (Text, optional).
select customer_id, score, reason, sessions_7d, sessions_prev_7d, agents, agents_silent_24h,
       failure_rate, escalation_rate, trend_score, liveness_score, quality_score
from analytics.health({{days}})
where true [[and customer_id = {{customer}}]]
order by score, customer_id
