-- Results a hiring team can act on.
--
-- Points: a question is worth points; a choice question scores them when
-- right, a written one as its reviewer grades it. answers.points is what
-- an answer scored (NULL: a written answer not graded yet).
ALTER TABLE questions ADD COLUMN points INTEGER NOT NULL DEFAULT 1 CHECK (points BETWEEN 1 AND 1000);
ALTER TABLE answers ADD COLUMN points INTEGER;
ALTER TABLE answers ADD COLUMN comment TEXT NOT NULL DEFAULT '';
-- Seconds the candidate spent on the question, reported by their page.
ALTER TABLE answers ADD COLUMN seconds_spent INTEGER NOT NULL DEFAULT 0;
UPDATE answers SET points = correct WHERE correct IS NOT NULL;

-- Named performance bands, a JSON array [{"name", "min"}], highest first.
ALTER TABLE tests ADD COLUMN bands TEXT NOT NULL DEFAULT '[]';

-- review: '' (nothing to review: the total is final at completion),
-- 'awaiting' (written answers wait for a reviewer) or 'graded'.
ALTER TABLE invitations ADD COLUMN review TEXT NOT NULL DEFAULT '' CHECK (review IN ('', 'awaiting', 'graded'));
ALTER TABLE invitations ADD COLUMN extra_time_percent INTEGER NOT NULL DEFAULT 0 CHECK (extra_time_percent BETWEEN 0 AND 400);
-- Times the candidate's page lost focus (tab or window switches), kept with
-- the invitation for lists, exports and Xobin's offtab_count.
ALTER TABLE invitations ADD COLUMN focus_lost_count INTEGER NOT NULL DEFAULT 0;
-- Attempts completed before points: written answers now count, and wait.
UPDATE invitations SET review = 'awaiting',
    max_score = (SELECT COUNT(*) FROM attempt_questions a WHERE a.invitation_id = invitations.id)
    WHERE status = 'completed' AND EXISTS (SELECT 1 FROM attempt_questions a JOIN questions q ON q.id = a.question_id
        WHERE a.invitation_id = invitations.id AND q.kind = 'text');

-- Tab switches after which an attempt is submitted (NULL: no limit).
ALTER TABLE test_links ADD COLUMN tab_switch_limit INTEGER CHECK (tab_switch_limit IS NULL OR tab_switch_limit BETWEEN 1 AND 50);

-- Every change of an answer's points, automatic or by hand: who, when,
-- from, to and why. Rows are only ever added.
CREATE TABLE score_changes (
    id            INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES invitations (id),
    question_id   INTEGER NOT NULL REFERENCES questions (id),
    from_points   INTEGER,
    to_points     INTEGER NOT NULL,
    actor         TEXT    NOT NULL,
    reason        TEXT    NOT NULL DEFAULT '',
    changed_at    INTEGER NOT NULL
);
CREATE INDEX score_changes_invitation ON score_changes (invitation_id, id);

-- Integrity signals: what the candidate's page reported (focus lost,
-- paste, full screen left) and where the server saw the candidate from at
-- open, start and submit. Shown to people, never a verdict by themselves.
CREATE TABLE attempt_signals (
    id            INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES invitations (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('open', 'start', 'submit', 'focus_lost', 'paste', 'fullscreen_exit')),
    detail        TEXT    NOT NULL DEFAULT '',
    ip            TEXT    NOT NULL DEFAULT '',
    user_agent    TEXT    NOT NULL DEFAULT '',
    occurred_at   INTEGER NOT NULL
);
CREATE INDEX attempt_signals_invitation ON attempt_signals (invitation_id, kind);

CREATE TRIGGER score_changes_no_update BEFORE UPDATE ON score_changes
BEGIN
    SELECT RAISE(ABORT, 'score_changes is append-only');
END;

CREATE TRIGGER score_changes_no_delete BEFORE DELETE ON score_changes
BEGIN
    SELECT RAISE(ABORT, 'score_changes is append-only');
END;

-- A test's completed attempts, ranked on its results page.
CREATE INDEX invitations_test_completed ON invitations (test_id) WHERE status = 'completed';
