-- SQLite's 0030: each delivery names its receiving host, so callbacks are
-- delivered host by host and a slow receiver delays only its own.
ALTER TABLE callback_deliveries ADD COLUMN host TEXT NOT NULL DEFAULT '';
CREATE INDEX callback_deliveries_host_due ON callback_deliveries (status, host, next_attempt_at);
