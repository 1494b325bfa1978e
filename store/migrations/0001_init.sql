-- Foundation schema: console users and their sessions, API keys, tests with
-- their questions, and test links. Times are Unix milliseconds (UTC), ids are
-- integers, booleans are 0/1: the SQL stays portable to PostgreSQL.

CREATE TABLE settings (
    name       TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL,
    email_norm    TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL DEFAULT '',
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'recruiter')),
    disabled_at   INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- The cookie holds a random session id; only its hash is stored, so a copy of
-- the database does not hand out live sessions.
CREATE TABLE console_sessions (
    id_hash      TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX console_sessions_user ON console_sessions (user_id);

-- Failed sign-ins, one row each, keyed by scope ("ip:..." or "account:...").
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    scope     TEXT    NOT NULL,
    failed_at INTEGER NOT NULL
);
CREATE INDEX login_failures_scope ON login_failures (scope, failed_at);

CREATE TABLE api_keys (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL,
    public_id      TEXT    NOT NULL UNIQUE,
    key_hash       TEXT    NOT NULL UNIQUE,
    signing_secret TEXT    NOT NULL,
    created_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL,
    last_used_at   INTEGER,
    revoked_at     INTEGER
);

CREATE TABLE tests (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('assessment', 'interview')),
    instructions     TEXT    NOT NULL DEFAULT '',
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    passing_score    INTEGER NOT NULL DEFAULT 0 CHECK (passing_score BETWEEN 0 AND 100),
    archived_at      INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

-- options and correct are JSON arrays (option texts, zero-based indexes),
-- read and written whole by Go; no query looks inside them.
CREATE TABLE questions (
    id         INTEGER PRIMARY KEY,
    test_id    INTEGER NOT NULL REFERENCES tests (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('single', 'multiple', 'text')),
    body       TEXT    NOT NULL,
    options    TEXT    NOT NULL DEFAULT '[]',
    correct    TEXT    NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX questions_test ON questions (test_id, position);

-- A test link is a named set of invitation settings; invitations made through
-- it copy them. Every test has exactly one default link.
CREATE TABLE test_links (
    id                       INTEGER PRIMARY KEY,
    test_id                  INTEGER NOT NULL REFERENCES tests (id) ON DELETE CASCADE,
    name                     TEXT    NOT NULL,
    slug                     TEXT    NOT NULL UNIQUE,
    is_default               INTEGER NOT NULL DEFAULT 0,
    callback_url             TEXT    NOT NULL DEFAULT '',
    redirect_url             TEXT    NOT NULL DEFAULT '',
    hide_instruction         INTEGER NOT NULL DEFAULT 0,
    disable_mandatory_fields INTEGER NOT NULL DEFAULT 0,
    send_email               INTEGER NOT NULL DEFAULT 0,
    expires_at               INTEGER,
    valid_from               INTEGER,
    valid_until              INTEGER,
    public                   INTEGER NOT NULL DEFAULT 0,
    max_uses                 INTEGER CHECK (max_uses IS NULL OR max_uses > 0),
    disabled_at              INTEGER,
    created_at               INTEGER NOT NULL,
    updated_at               INTEGER NOT NULL
);
CREATE INDEX test_links_test ON test_links (test_id);
CREATE UNIQUE INDEX test_links_one_default ON test_links (test_id) WHERE is_default = 1;
