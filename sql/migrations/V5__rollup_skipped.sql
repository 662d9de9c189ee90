-- Events the rollup job (dev.brain.analytics.RollupJob) could not fold are set aside here, once, and
-- the watermark moves on: one bad row cannot stop analytics for every customer. Ids and the database's
-- error only (quoted values removed), never the payload; the event itself stays in events.
create table rollup_skipped (
  id          bigint primary key,
  event_id    uuid not null,
  ts          timestamptz not null,
  customer_id text not null,
  error       text not null,
  skipped_at  timestamptz not null default now()
);

-- Raises "numeric value out of range" with the reason. The value is an argument, though unused, so the
-- planner can never evaluate a call at plan time (its arguments are never all constants).
create function brain_unfoldable(reason text, value jsonb) returns numeric
  language plpgsql immutable parallel safe
  as $$ begin raise exception '%', reason using errcode = 'numeric_value_out_of_range'; end $$;

-- A number the rollups read, or null when absent. Not a number, or outside 0..max (the wire contract's
-- bound, passed in from EventValidator), it raises: rows stored before ingest bounded numbers can
-- neither overflow a sum nor inflate one; the job sets such an event aside whole. Every function in
-- the body is immutable (hence max::text), so the planner inlines it: no call per value.
create function brain_rollup_number(v jsonb, max numeric, field text) returns numeric
  language sql immutable parallel safe
  return case when jsonb_typeof(v) = 'number' and v::numeric between 0 and max then v::numeric
              when v is null or jsonb_typeof(v) = 'null' then null
              else brain_unfoldable(field || ' is not a number from 0 to ' || max::text, v) end;
