-- Months before the first kept one that still hold rows outside a monthly partition: default-partition events
-- and rejected records. With an archive they are archived like a partition's month before they go.
select distinct cast(date_trunc('month', ts, 'UTC') at time zone 'UTC' as date) from events_default where ts < :kept
union
select distinct cast(date_trunc('month', rejected_at, 'UTC') at time zone 'UTC' as date) from rejected_events where rejected_at < :kept
