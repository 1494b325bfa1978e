-- More kinds of question, and marking rules: see the SQLite migration.
ALTER TABLE questions DROP CONSTRAINT questions_kind_check;
ALTER TABLE questions ADD CONSTRAINT questions_kind_check
    CHECK (kind IN ('single', 'multiple', 'text', 'truefalse', 'numeric', 'ordering', 'matching', 'blanks', 'essay', 'code'));
ALTER TABLE bank_questions DROP CONSTRAINT bank_questions_kind_check;
ALTER TABLE bank_questions ADD CONSTRAINT bank_questions_kind_check
    CHECK (kind IN ('single', 'multiple', 'text', 'truefalse', 'numeric', 'ordering', 'matching', 'blanks', 'essay', 'code'));
ALTER TABLE questions ADD COLUMN spec TEXT NOT NULL DEFAULT '{}';
ALTER TABLE bank_questions ADD COLUMN spec TEXT NOT NULL DEFAULT '{}';
ALTER TABLE test_sections ADD COLUMN penalty BIGINT NOT NULL DEFAULT 0 CHECK (penalty BETWEEN 0 AND 1000);
ALTER TABLE test_sections ADD COLUMN mark_floor BIGINT NOT NULL DEFAULT 0 CHECK (mark_floor BETWEEN -1000 AND 0);
