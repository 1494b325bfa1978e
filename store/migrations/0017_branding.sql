-- The organisation's branding, shown to candidates on every page and email:
-- one row. The logo is small (the console refuses more than 200 KB) and
-- served from the database, so a backup holds it too.
CREATE TABLE branding (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    organisation  TEXT    NOT NULL DEFAULT '',
    contact_email TEXT    NOT NULL DEFAULT '',
    logo          BLOB,
    logo_type     TEXT    NOT NULL DEFAULT '',
    updated_at    INTEGER NOT NULL
);

-- Candidate emails answer to the organisation's contact address.
ALTER TABLE outbox ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';
