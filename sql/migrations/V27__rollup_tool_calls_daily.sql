-- Tool calls and failures per customer, UTC day and tool, without rollup_tool_daily's latency buckets: what the
-- failure_spike alert reads over 28 days (a quarter of the rows on the alerts bench data, 145k instead of 580k).
-- Folded by the rollup job in the same statement as rollup_tool_daily (sql/queries/analytics/rollup.sql), so the two
-- agree; the days already folded are carried over here. An older build still folding during a rolling deploy does
-- not write this table: the calls it folds then count in rollup_tool_daily only.
create table rollup_tool_calls_daily (
  customer_id text not null,
  day         date not null,
  tool        text not null,
  calls       bigint not null,
  failures    bigint not null,
  primary key (day, customer_id, tool)
);

insert into rollup_tool_calls_daily (customer_id, day, tool, calls, failures)
select customer_id, day, tool, sum(calls), sum(failures)
from rollup_tool_daily
group by day, customer_id, tool
order by day, customer_id, tool;
