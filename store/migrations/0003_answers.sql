-- A candidate's answers, one row per question, saved as they go and scored
-- when the attempt completes.
CREATE TABLE answers (
    invitation_id INTEGER NOT NULL REFERENCES invitations (id),
    question_id   INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    choices       TEXT    NOT NULL DEFAULT '[]',
    body          TEXT    NOT NULL DEFAULT '',
    correct       INTEGER,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (invitation_id, question_id)
);

-- Started attempts by deadline, for the sweep that submits overdue ones.
CREATE INDEX invitations_deadline ON invitations (status, deadline_at);
