-- New console users set their own password from an emailed link (single
-- use, expiring) instead of one an admin types and shares. The link's
-- token is kept only as a hash. Its email goes through the outbox like any
-- other: the table is rebuilt to take the 'account' kind.
CREATE TABLE password_links (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    token_hash TEXT    NOT NULL UNIQUE,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX password_links_user ON password_links (user_id);

CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('invitation', 'reminder', 'revocation', 'account')),
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
