-- SQLite's 0034: team banks beside the organisation's.
ALTER TABLE bank_questions ADD COLUMN team_id BIGINT REFERENCES teams(id);
CREATE INDEX bank_questions_team ON bank_questions (team_id, id);
