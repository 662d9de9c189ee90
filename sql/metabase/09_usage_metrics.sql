-- 9. Value delivered: OTLP usage metrics (Claude Code's active time in seconds, lines of code added / removed,
-- commits, pull requests, sessions, tokens, cost in USD) per customer, agent and day (UTC).
-- Metabase variables: day (Date filter, field analytics.usage_metrics_daily.day), customer (Text, optional),
-- metric (Text, optional, e.g. claude_code.commit.count).
select customer_id, agent_id, day, metric, value
from analytics.usage_metrics_daily
where true [[and {{day}}]] [[and customer_id = {{customer}}]] [[and metric = {{metric}}]]
order by day, customer_id, agent_id, metric
