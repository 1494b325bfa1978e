-- Bulk imports from the console. The checked rows are staged in chunks;
-- the background job imports one chunk per transaction and deletes it in
-- that transaction, so after a crash the job resumes with the chunks left:
-- no row twice, none lost.
CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    link_id      INTEGER NOT NULL REFERENCES test_links (id),
    actor        TEXT    NOT NULL,
    file_name    TEXT    NOT NULL DEFAULT '',
    send_email   INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    total_rows   INTEGER NOT NULL, -- data rows in the file
    staged       INTEGER NOT NULL, -- rows the check found importable
    processed    INTEGER NOT NULL DEFAULT 0,
    invited      INTEGER NOT NULL DEFAULT 0,
    skipped      INTEGER NOT NULL DEFAULT 0, -- already invited on the link
    rejected     INTEGER NOT NULL DEFAULT 0, -- invalid, duplicate in the file, or no room left
    error        TEXT    NOT NULL DEFAULT '',
    locked_until INTEGER,
    created_at   INTEGER NOT NULL,
    started_at   INTEGER,
    finished_at  INTEGER,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX imports_link ON imports (link_id, id);
CREATE INDEX imports_pending ON imports (status, id) WHERE status IN ('queued', 'running');

CREATE TABLE import_chunks (
    import_id INTEGER NOT NULL REFERENCES imports (id),
    chunk     INTEGER NOT NULL,
    rows      TEXT    NOT NULL, -- JSON array of ImportRow
    PRIMARY KEY (import_id, chunk)
) WITHOUT ROWID;

-- Every row not newly invited, with why: the download after the import.
CREATE TABLE import_rejections (
    import_id INTEGER NOT NULL REFERENCES imports (id),
    line      INTEGER NOT NULL,
    name      TEXT    NOT NULL,
    email     TEXT    NOT NULL,
    reason    TEXT    NOT NULL,
    PRIMARY KEY (import_id, line)
) WITHOUT ROWID;
