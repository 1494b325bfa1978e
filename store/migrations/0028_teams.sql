-- Teams: a test (with its links, invitations, imports, emails and
-- callbacks) belongs to one team; a recruiter sees and changes only their
-- teams' data, an admin all of it; an API key may be held to one team.
-- An installation from before teams gets one team holding everything,
-- with every user in it, and keeps working unchanged.
CREATE TABLE teams (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE,
    -- days after which an ended invitation's candidate is erased; NULL:
    -- the installation's setting (retention_days)
    retention_days INTEGER CHECK (retention_days IS NULL OR retention_days BETWEEN 0 AND 3650),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
INSERT INTO teams (id, name, created_at, updated_at)
    VALUES (1, 'Everyone', CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);

CREATE TABLE team_members (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
) WITHOUT ROWID;
CREATE INDEX team_members_user ON team_members (user_id, team_id);
INSERT INTO team_members (team_id, user_id) SELECT 1, id FROM users;

-- SQLite adds a column with a REFERENCES clause only with a NULL default;
-- the store checks the team exists when it sets one.
ALTER TABLE tests ADD COLUMN team_id INTEGER NOT NULL DEFAULT 1;
CREATE INDEX tests_team ON tests (team_id, id);

-- NULL: the key reaches every team (keys from before teams, or an admin's
-- organisation-wide key).
ALTER TABLE api_keys ADD COLUMN team_id INTEGER;
