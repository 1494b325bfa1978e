-- Deleting a candidate can be scheduled (Xobin's "Delete Candidate" erases
-- after 7 days, and can be called off until then): the address, the teams
-- the request could reach (a JSON list; null: every team), when it is due
-- and what became of it.
CREATE TABLE candidate_deletions (
    id           INTEGER PRIMARY KEY,
    task_id      TEXT    NOT NULL UNIQUE,
    email_norm   TEXT    NOT NULL,
    teams        TEXT    NOT NULL DEFAULT 'null',
    actor        TEXT    NOT NULL DEFAULT '',
    due_at       INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    cancelled_at INTEGER,
    done_at      INTEGER
);
CREATE INDEX candidate_deletions_due ON candidate_deletions (due_at) WHERE cancelled_at IS NULL AND done_at IS NULL;
CREATE INDEX candidate_deletions_email ON candidate_deletions (email_norm);
