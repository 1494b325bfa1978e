-- SQLite's 0040: each process writes how long it may go unseen before its
-- leases are taken over, three of its own heartbeats.
ALTER TABLE processes ADD COLUMN stale_after_ms BIGINT NOT NULL DEFAULT 30000;
