-- A session the sessionizer assembled from steps (granular events, the collector API) whose sender also sent its own
-- session.end must not get a second end. The closing job asks, per session it closes, whether such an end exists:
-- one probe of this index (sql/queries/sessions/close-due.sql). Asking at ingest instead cost every request carrying a
-- session.end a look-up. A b-tree on the id's 4-byte hash, session.end rows only: ~22 bytes per such row, against ~37
-- for a hash index; the query repeats the hash and then compares the id itself.
create index events_session_end on events (hashtext(session_id)) where event_type = 'session.end';
