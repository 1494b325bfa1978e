-- More kinds of question, and marking rules. A question's kind-specific
-- settings (a numeric answer's tolerance, a matching question's answers,
-- each blank's accepted answers, an essay's word limits, a code answer's
-- language) and its marking (part marks, a penalty for a wrong answer, the
-- floor a mark stays above) are one JSON object, read and written whole by
-- Go like options and correct.
--
-- The kind's CHECK is widened in place: the tables' text in sqlite_schema
-- is edited (SQLite's documented way for a change that leaves the stored
-- rows as they are) after the columns are added; RESET makes this
-- connection read the tables' text again, and an index made and dropped
-- moves the schema's version on so that every other connection does.
ALTER TABLE questions ADD COLUMN spec TEXT NOT NULL DEFAULT '{}';
ALTER TABLE bank_questions ADD COLUMN spec TEXT NOT NULL DEFAULT '{}';
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (kind IN (''single'', ''multiple'', ''text''))',
    'CHECK (kind IN (''single'', ''multiple'', ''text'', ''truefalse'', ''numeric'', ''ordering'', ''matching'', ''blanks'', ''essay'', ''code''))')
WHERE type = 'table' AND name IN ('questions', 'bank_questions');
PRAGMA writable_schema = RESET;
CREATE INDEX questions_kind_reload ON questions (kind);
DROP INDEX questions_kind_reload;

-- Negative marking set on a section: a penalty for a wrong answer and the
-- floor a mark stays above, for each of its questions that sets neither.
ALTER TABLE test_sections ADD COLUMN penalty INTEGER NOT NULL DEFAULT 0 CHECK (penalty BETWEEN 0 AND 1000);
ALTER TABLE test_sections ADD COLUMN mark_floor INTEGER NOT NULL DEFAULT 0 CHECK (mark_floor BETWEEN -1000 AND 0);
