-- Invitations: one test attempt each (its id is iMocha's testInvitationId),
-- with the link's settings copied at creation, a timestamp per status, and
-- the external fields the API dialects carry.

CREATE TABLE invitations (
    id                       INTEGER PRIMARY KEY,
    test_id                  INTEGER NOT NULL REFERENCES tests (id),
    link_id                  INTEGER REFERENCES test_links (id),
    token                    TEXT    NOT NULL UNIQUE,
    name                     TEXT    NOT NULL,
    email                    TEXT    NOT NULL,
    email_norm               TEXT    NOT NULL,
    -- 1 while name and email are generated stand-ins the candidate replaces
    placeholder              INTEGER NOT NULL DEFAULT 0,
    status                   TEXT    NOT NULL CHECK (status IN ('invited', 'opened', 'started', 'completed', 'expired', 'cancelled')),
    source                   TEXT    NOT NULL,
    callback_url             TEXT    NOT NULL DEFAULT '',
    redirect_url             TEXT    NOT NULL DEFAULT '',
    hide_instruction         INTEGER NOT NULL DEFAULT 0,
    disable_mandatory_fields INTEGER NOT NULL DEFAULT 0,
    send_email               INTEGER NOT NULL DEFAULT 0,
    expires_at               INTEGER,
    valid_from               INTEGER,
    valid_until              INTEGER,
    tags                     TEXT    NOT NULL DEFAULT '{}',
    labels                   TEXT    NOT NULL DEFAULT '[]',
    group_name               TEXT    NOT NULL DEFAULT '',
    external_id              TEXT    NOT NULL DEFAULT '',
    external_data            TEXT    NOT NULL DEFAULT '{}',
    lang                     TEXT    NOT NULL DEFAULT '',
    score                    INTEGER,
    max_score                INTEGER,
    deadline_at              INTEGER,
    invited_at               INTEGER NOT NULL,
    opened_at                INTEGER,
    started_at               INTEGER,
    completed_at             INTEGER,
    expired_at               INTEGER,
    cancelled_at             INTEGER,
    created_at               INTEGER NOT NULL,
    updated_at               INTEGER NOT NULL
);

-- Within one link an address has at most one live invitation: inviting it
-- again finds this row instead of adding one, whatever races the request.
CREATE UNIQUE INDEX invitations_one_live_per_link ON invitations (link_id, email_norm)
    WHERE status NOT IN ('cancelled', 'expired');
CREATE INDEX invitations_link_email ON invitations (link_id, email_norm, id);
CREATE INDEX invitations_test ON invitations (test_id, id);
CREATE INDEX invitations_status ON invitations (status, id);
CREATE INDEX invitations_created ON invitations (created_at, id);

-- The timeline: every status change and every edit, never rewritten.
CREATE TABLE invitation_events (
    id            INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES invitations (id),
    kind          TEXT    NOT NULL,
    from_status   TEXT    NOT NULL DEFAULT '',
    to_status     TEXT    NOT NULL DEFAULT '',
    actor         TEXT    NOT NULL DEFAULT '',
    detail        TEXT    NOT NULL DEFAULT '',
    occurred_at   INTEGER NOT NULL
);
CREATE INDEX invitation_events_invitation ON invitation_events (invitation_id, id);

CREATE TRIGGER invitation_events_no_update BEFORE UPDATE ON invitation_events
BEGIN
    SELECT RAISE(ABORT, 'invitation_events is append-only');
END;

CREATE TRIGGER invitation_events_no_delete BEFORE DELETE ON invitation_events
BEGIN
    SELECT RAISE(ABORT, 'invitation_events is append-only');
END;
