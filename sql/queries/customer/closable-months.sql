-- Months not yet closed that ended at least :close_days days ago, from the first month with usage.
with first as (select date_trunc('month', min(day))::date as m from rollup_agent_daily)
select g::date from first,
  generate_series(first.m, date_trunc('month', (now() at time zone 'utc')::date - :close_days)::date - interval '1 month',
                  interval '1 month') g
where first.m is not null and g::date not in (select month from billing_months)
order by 1
