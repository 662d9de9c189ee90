-- After a fold moved sessions between categories (rollup.sql, "moves"): a category every session of its day moved away
-- from is no row at all, as if it had never been counted. :keys are customer, day and category joined by chr(31).
delete from rollup_category_daily
where sessions = 0 and (day, customer_id, category) in (
  select cast(split_part(k, chr(31), 2) as date), split_part(k, chr(31), 1), split_part(k, chr(31), 3)
  from unnest(cast(:keys as text[])) k)
