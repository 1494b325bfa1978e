-- Every email to send, written in the same transaction as its cause and
-- drained by the mail worker; claims use a lease (locked_until) so that
-- several serve processes can share the work.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('invitation', 'reminder')),
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
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_invitation ON outbox (invitation_id, id);

-- Per-link email wording (empty: the built-in text) and automatic reminders.
ALTER TABLE test_links ADD COLUMN invite_subject TEXT NOT NULL DEFAULT '';
ALTER TABLE test_links ADD COLUMN invite_body TEXT NOT NULL DEFAULT '';
ALTER TABLE test_links ADD COLUMN reminder_subject TEXT NOT NULL DEFAULT '';
ALTER TABLE test_links ADD COLUMN reminder_body TEXT NOT NULL DEFAULT '';
ALTER TABLE test_links ADD COLUMN remind_after_hours INTEGER;
ALTER TABLE test_links ADD COLUMN remind_before_expiry_hours INTEGER;

ALTER TABLE invitations ADD COLUMN reminded_after_at INTEGER;
ALTER TABLE invitations ADD COLUMN reminded_before_at INTEGER;
