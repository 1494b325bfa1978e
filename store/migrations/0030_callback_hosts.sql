-- Callbacks are delivered host by host: each receiving host has its own
-- turn, so a slow or dead receiver delays only its own callbacks. A
-- delivery names its host (host:port, lower-cased); rows written before
-- this have none and take their turns together.
ALTER TABLE callback_deliveries ADD COLUMN host TEXT NOT NULL DEFAULT '';
CREATE INDEX callback_deliveries_host_due ON callback_deliveries (status, host, next_attempt_at);
