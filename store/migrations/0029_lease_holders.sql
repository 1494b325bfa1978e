-- Which process holds a lease, and when each process was last seen. On
-- PostgreSQL several serve processes share the work: one that starts, or
-- sweeps, takes over at once the leases of a process no longer seen,
-- instead of waiting for them to run out. (SQLite's one server knows from
-- its file lock that leases found at start are dead.)
CREATE TABLE processes (
    id         TEXT    PRIMARY KEY,
    started_at INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL
);

ALTER TABLE outbox ADD COLUMN locked_by TEXT NOT NULL DEFAULT '';
ALTER TABLE callback_deliveries ADD COLUMN locked_by TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN locked_by TEXT NOT NULL DEFAULT '';
