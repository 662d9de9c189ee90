-- The partitions of events, by name.
select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
where i.inhparent = 'events'::regclass order by c.relname
