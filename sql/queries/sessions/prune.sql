-- Up to :batch records of sessions closed more than a day ago: no exporter retries that late, so their ids guard nothing.
delete from sessionizer_fragments
where ctid = any (array(
  select f.ctid from sessionizer_fragments f join sessionizer_sessions s using (customer_id, session_id)
  where s.closed_at < now() - interval '1 day'
  limit :batch))
