-- The question bank: questions tagged with a topic and a difficulty that
-- any test can use, picked into a section or drawn by a section's rules.
-- A bank question is edited in place (its version counts the edits); the
-- version a test gave a candidate is kept as a snapshot in questions, so
-- attempts keep what they answered and were scored on.
CREATE TABLE bank_questions (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('single', 'multiple', 'text')),
    body        TEXT    NOT NULL,
    options     TEXT    NOT NULL DEFAULT '[]',
    correct     TEXT    NOT NULL DEFAULT '[]',
    points      INTEGER NOT NULL DEFAULT 1 CHECK (points BETWEEN 1 AND 1000),
    topic       TEXT    NOT NULL DEFAULT '',
    difficulty  TEXT    NOT NULL DEFAULT '' CHECK (difficulty IN ('', 'easy', 'medium', 'hard')),
    version     INTEGER NOT NULL DEFAULT 1,
    archived_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX bank_questions_pool ON bank_questions (topic, difficulty) WHERE archived_at IS NULL;

-- Snapshots: a bank question's version as a test gave it (never a current
-- question of the test: retired from the start).
ALTER TABLE questions ADD COLUMN bank_question_id INTEGER REFERENCES bank_questions (id);
ALTER TABLE questions ADD COLUMN bank_version INTEGER;
CREATE UNIQUE INDEX questions_bank_snapshot ON questions (test_id, bank_question_id, bank_version) WHERE bank_question_id IS NOT NULL;

-- Bank questions picked into a section, and a section's draw rules
-- ("draw N questions of topic T and difficulty D"; an empty topic or
-- difficulty matches any).
CREATE TABLE section_picks (
    section_id       INTEGER NOT NULL REFERENCES test_sections (id) ON DELETE CASCADE,
    bank_question_id INTEGER NOT NULL REFERENCES bank_questions (id),
    position         INTEGER NOT NULL,
    PRIMARY KEY (section_id, bank_question_id)
);
CREATE INDEX section_picks_bank ON section_picks (bank_question_id);
CREATE TABLE section_rules (
    id         INTEGER PRIMARY KEY,
    section_id INTEGER NOT NULL REFERENCES test_sections (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    topic      TEXT    NOT NULL DEFAULT '',
    difficulty TEXT    NOT NULL DEFAULT '' CHECK (difficulty IN ('', 'easy', 'medium', 'hard')),
    count      INTEGER NOT NULL CHECK (count > 0)
);
CREATE INDEX section_rules_section ON section_rules (section_id, position);
