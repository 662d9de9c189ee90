-- The sessionizer's "hooks win" rule (dev.brain.sessions) asks, when it opens a session and when it closes one,
-- whether the session id already has a session.start from another path (the hooks, an SDK). V22 dropped the index on
-- events.session_id, so each of those questions scanned events: with millions of rows, OTLP ingest and the closing
-- job slowed to a crawl. Only session.start rows are indexed (a tenth of a typical event mix; every path that starts
-- sessions writes one, the hooks even for a session whose SessionStart they missed), and a hash index keeps each entry
-- small whatever the id's length.
create index events_session_start on events using hash (session_id) where event_type = 'session.start';
