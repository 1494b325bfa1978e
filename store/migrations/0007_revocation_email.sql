-- A third kind of email: telling a candidate their invitation was
-- withdrawn. SQLite cannot change a CHECK, so the table is rebuilt.
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('invitation', 'reminder', 'revocation')),
    invitation_id   INTEGER REFERENCES invitations (id),
    recipient       TEXT    NOT NULL,
    recipient_name  TEXT    NOT NULL DEFAULT '',
    subject         TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    message_id      TEXT    NOT NULL UNIQUE,
    status          TEXT    NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    scheduled_at    INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    locked_until    INTEGER,
    last_error      TEXT    NOT NULL DEFAULT '',
    sent_at         INTEGER,
    dev_mailbox     INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
INSERT INTO outbox_new (id, kind, invitation_id, recipient, recipient_name, subject, body_text, body_html, message_id, status,
    attempts, scheduled_at, next_attempt_at, locked_until, last_error, sent_at, dev_mailbox, created_at, updated_at)
SELECT id, kind, invitation_id, recipient, recipient_name, subject, body_text, body_html, message_id, status,
    attempts, scheduled_at, next_attempt_at, locked_until, last_error, sent_at, dev_mailbox, created_at, updated_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_invitation ON outbox (invitation_id, id);
