-- Moves the rollup watermark to :to (dev.brain.analytics.RollupJob), in the transaction that folded the
-- rows up to it. Fresh as of :fresh only once the chunk reaches :hi, the newest id when the run began.
update rollup_state set last_id = :to,
  fresh_as_of = case when :to >= :hi then greatest(fresh_as_of, :fresh) else fresh_as_of end
where name = 'events'
