-- SQLite's 0036: ATS integrations, their ids on invitations, callback protocols.
CREATE TABLE ats_integrations (
    ats        TEXT   PRIMARY KEY,
    enabled    BIGINT NOT NULL DEFAULT 0,
    key_id     BIGINT REFERENCES api_keys (id),
    link_name  TEXT   NOT NULL DEFAULT '',
    base_url   TEXT   NOT NULL DEFAULT '',
    credential TEXT   NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);
CREATE TABLE ats_references (
    invitation_id  BIGINT PRIMARY KEY REFERENCES invitations (id),
    ats            TEXT   NOT NULL,
    application_id TEXT   NOT NULL DEFAULT '',
    candidate_id   TEXT   NOT NULL DEFAULT '',
    job_id         TEXT   NOT NULL DEFAULT '',
    profile_url    TEXT   NOT NULL DEFAULT ''
);
ALTER TABLE callback_deliveries ADD COLUMN protocol TEXT NOT NULL DEFAULT '';
