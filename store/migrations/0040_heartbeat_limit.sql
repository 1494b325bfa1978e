-- Each process writes how long it may go unseen before its leases are
-- taken over (three of its own heartbeats), so that processes started
-- with different --heartbeat settings judge each other by the late one's.
-- Rows written before say 30 seconds, three of the old fixed heartbeat.
ALTER TABLE processes ADD COLUMN stale_after_ms INTEGER NOT NULL DEFAULT 30000;
