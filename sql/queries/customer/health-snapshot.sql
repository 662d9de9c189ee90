-- Today's health per customer (analytics.health over 30 days) into customer_health_daily, the day's last
-- value winning; unchanged rows are not rewritten (dev.brain.customer.CustomerSnapshots).
insert into customer_health_daily as d (customer_id, day, score, trend_score, liveness_score, quality_score, sessions_7d,
                                        sessions_prev_7d, agents, agents_silent_24h, failure_rate, escalation_rate, reason)
select h.customer_id, (now() at time zone 'utc')::date, h.score, h.trend_score, h.liveness_score, h.quality_score,
       h.sessions_7d, h.sessions_prev_7d, h.agents, h.agents_silent_24h, h.failure_rate, h.escalation_rate, h.reason
from analytics.health(30) h
on conflict (customer_id, day) do update set
  score = excluded.score, trend_score = excluded.trend_score, liveness_score = excluded.liveness_score,
  quality_score = excluded.quality_score, sessions_7d = excluded.sessions_7d, sessions_prev_7d = excluded.sessions_prev_7d,
  agents = excluded.agents, agents_silent_24h = excluded.agents_silent_24h, failure_rate = excluded.failure_rate,
  escalation_rate = excluded.escalation_rate, reason = excluded.reason
where (d.score, d.trend_score, d.liveness_score, d.quality_score, d.agents_silent_24h, d.reason)
      is distinct from (excluded.score, excluded.trend_score, excluded.liveness_score, excluded.quality_score,
                        excluded.agents_silent_24h, excluded.reason)
