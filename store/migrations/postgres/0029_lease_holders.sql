-- SQLite's 0029: which process holds a lease, and when each process was
-- last seen, so that a dead process's leases are taken over at once.
CREATE TABLE processes (
    id         TEXT   PRIMARY KEY,
    started_at BIGINT NOT NULL,
    seen_at    BIGINT NOT NULL
);

ALTER TABLE outbox ADD COLUMN locked_by TEXT NOT NULL DEFAULT '';
ALTER TABLE callback_deliveries ADD COLUMN locked_by TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN locked_by TEXT NOT NULL DEFAULT '';
