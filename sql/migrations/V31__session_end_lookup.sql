-- A session the sessionizer assembled from steps (granular events, the collector API) whose sender also sent its own
-- session.end must not get a second end. The closing job asks, per session it closes, whether such an end exists:
-- one probe of this index. Asking at ingest instead cost every request carrying a session.end a round trip (about a
-- fifth of `make bench`'s throughput, whose mix is 80 % session.end); an entry per session.end costs far less.
create index events_session_end on events using hash (session_id) where event_type = 'session.end';
