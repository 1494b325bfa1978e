-- Applicant tracking systems that call Testgate as an assessment partner
-- (Greenhouse, Ashby). One row an ATS: whether it is on, the API key it
-- calls with, the link name its invitations go through in each test (empty:
-- the test's default link), the ATS's own API address where Testgate calls
-- it (empty: its public one) and the credential Testgate calls it back
-- with, sealed (AES-GCM under a key derived from the session key).
CREATE TABLE ats_integrations (
    ats        TEXT    PRIMARY KEY,
    enabled    INTEGER NOT NULL DEFAULT 0,
    key_id     INTEGER REFERENCES api_keys (id),
    link_name  TEXT    NOT NULL DEFAULT '',
    base_url   TEXT    NOT NULL DEFAULT '',
    credential TEXT    NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL
);

-- The ATS's own ids of an invitation it sent: shown in the console and
-- exports, erased with the invitation.
CREATE TABLE ats_references (
    invitation_id  INTEGER PRIMARY KEY REFERENCES invitations (id),
    ats            TEXT    NOT NULL,
    application_id TEXT    NOT NULL DEFAULT '',
    candidate_id   TEXT    NOT NULL DEFAULT '',
    job_id         TEXT    NOT NULL DEFAULT '',
    profile_url    TEXT    NOT NULL DEFAULT ''
);

-- A callback an ATS's protocol delivers its own way (Greenhouse: a PATCH
-- with its credential); '' is the signed POST every other callback is.
ALTER TABLE callback_deliveries ADD COLUMN protocol TEXT NOT NULL DEFAULT '';
