-- The customer page reads one customer's tool leaderboard: without this index that read scans every
-- customer's rows of the window (~700 ms over the 10M-event bench data on a loaded machine; ~30 ms with it).
create index if not exists rollup_tool_daily_customer on rollup_tool_daily (customer_id, day);
