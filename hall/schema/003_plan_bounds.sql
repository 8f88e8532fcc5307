-- 003: the accepting triggers' lookups stay index lookups (issue 12.8). PL/pgSQL caches a
-- generic plan per session for the trigger's queries; planned while hall.entries was empty or
-- small (a new hall, right after autovacuum's first ANALYZE), the head-of-chain lookup became a
-- sequential scan and a sort, run once per inserted row: a 50 000-entry ingest measured more
-- than 10 minutes instead of 4.5 s. With sequential scans off inside these functions the
-- planner keeps the primary-key index scan whatever the statistics say; nothing else changes.
ALTER FUNCTION hall.entries_accept() SET enable_seqscan = off;
ALTER FUNCTION hall.receipts_accept() SET enable_seqscan = off;
ALTER FUNCTION hall.day_closes_accept() SET enable_seqscan = off;
ALTER FUNCTION hall.hall_closes_accept() SET enable_seqscan = off;

INSERT INTO hall.schema_version (version) VALUES (3);
