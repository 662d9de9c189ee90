-- Freezes :month: its usage per customer and agent, from the rollups as they stand, stored once. Runs under
-- the rollup lock, so every event folded later for this month becomes an adjustment line instead.
with closed as (
  insert into billing_months (month) values (:month) on conflict (month) do nothing returning month
)
insert into billing_usage (month, customer_id, agent_id, sessions, active_agents, tool_calls, input_tokens, output_tokens,
                           cache_read_tokens, cache_creation_tokens, cost_cents, cost_basis, active_time_s)
select c.month, u.* from closed c cross join analytics.usage_live(:month, null) u
