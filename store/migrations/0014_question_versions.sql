-- Once a candidate has started an attempt, the questions they were given
-- never change under them: editing such a question makes a new version for
-- later attempts (the old one is retired, not rewritten), and deleting it
-- retires it. attempt_questions is each attempt's paper, in its order;
-- attempts started before this migration get the questions as they are.
ALTER TABLE questions ADD COLUMN retired_at INTEGER;
CREATE INDEX questions_current ON questions (test_id, position) WHERE retired_at IS NULL;
CREATE TABLE attempt_questions (
    invitation_id INTEGER NOT NULL REFERENCES invitations (id),
    question_id   INTEGER NOT NULL REFERENCES questions (id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (invitation_id, question_id)
);
CREATE INDEX attempt_questions_question ON attempt_questions (question_id);
INSERT INTO attempt_questions (invitation_id, question_id, position)
    SELECT i.id, q.id, q.position FROM invitations i JOIN questions q ON q.test_id = i.test_id
    WHERE i.started_at IS NOT NULL;
