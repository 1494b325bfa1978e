-- Sections: a test is a list of sections, each with its own questions and
-- whether a candidate gets all of them or a number drawn at random, in the
-- written order or shuffled, with options as written or shuffled. A test
-- without sections is one unnamed section of all its questions.
CREATE TABLE test_sections (
    id                INTEGER PRIMARY KEY,
    test_id           INTEGER NOT NULL REFERENCES tests (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    name              TEXT    NOT NULL DEFAULT '',
    draw_count        INTEGER CHECK (draw_count IS NULL OR draw_count > 0),
    shuffle_questions INTEGER NOT NULL DEFAULT 0,
    shuffle_options   INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX test_sections_test ON test_sections (test_id, position);

-- A question's section (NULL in a test without sections), and the topic
-- and difficulty it is tagged with.
ALTER TABLE questions ADD COLUMN section_id INTEGER REFERENCES test_sections (id);
ALTER TABLE questions ADD COLUMN topic TEXT NOT NULL DEFAULT '';
ALTER TABLE questions ADD COLUMN difficulty TEXT NOT NULL DEFAULT '' CHECK (difficulty IN ('', 'easy', 'medium', 'hard'));

-- The draw: made once per attempt from its seed, kept as the attempt's
-- paper with the section each question came in (as it was named then) and
-- the order its options were shown in (JSON indexes; '' as written).
ALTER TABLE invitations ADD COLUMN draw_seed INTEGER;
ALTER TABLE attempt_questions ADD COLUMN section_position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attempt_questions ADD COLUMN section_name TEXT NOT NULL DEFAULT '';
ALTER TABLE attempt_questions ADD COLUMN option_order TEXT NOT NULL DEFAULT '';
