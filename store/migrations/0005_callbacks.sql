-- Completion callbacks: one row per notification, written in the same
-- transaction as the status change and drained by the callbacks worker.
CREATE TABLE callback_deliveries (
    id              INTEGER PRIMARY KEY,
    invitation_id   INTEGER NOT NULL REFERENCES invitations (id),
    event           TEXT    NOT NULL,
    url             TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    webhook_id      TEXT    NOT NULL UNIQUE,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivering', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until    INTEGER,
    response_code   INTEGER,
    response_body   TEXT    NOT NULL DEFAULT '',
    last_error      TEXT    NOT NULL DEFAULT '',
    delivered_at    INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX callback_deliveries_due ON callback_deliveries (status, next_attempt_at);
CREATE INDEX callback_deliveries_invitation ON callback_deliveries (invitation_id, id);
