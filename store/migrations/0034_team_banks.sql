-- Each team keeps a bank of its own; a question with no team is the
-- organisation's bank, which admins keep and every team draws from.
-- Questions written before are the organisation's.
ALTER TABLE bank_questions ADD COLUMN team_id INTEGER REFERENCES teams(id);
CREATE INDEX bank_questions_team ON bank_questions (team_id, id);
