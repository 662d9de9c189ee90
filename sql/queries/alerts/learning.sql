-- Customers with fewer than 14 days of history: the anomaly rules (failure_spike, spend_anomaly) stay quiet for them.
select customer_id, min(day) as first_day
from rollup_customer_daily
group by 1
having min(day) > (cast(:now as timestamptz) at time zone 'UTC')::date - 14
order by 1
