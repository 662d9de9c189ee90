-- 3. Tool-call leaderboard: tool x customer, calls, failures, failure rate, p50/p95 latency (ms,
-- upper bound of a 1-1.25-1.5-2-2.5-3-4-5-6-8 bucket), from session.end tool_calls.
-- Metabase variables: days (Number, required, default 30), customer (Text, optional).
select customer_id, tool, calls, failures, failure_rate, p50_ms, p95_ms
from analytics.tools({{days}})
where true [[and customer_id = {{customer}}]]
order by calls desc
