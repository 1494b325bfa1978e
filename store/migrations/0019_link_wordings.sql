-- A link's email wording in languages other than its own: the link's
-- columns hold the wording in the link's language; candidates of another
-- language get the row for theirs, or the built-in text in it.
CREATE TABLE link_wordings (
    link_id          INTEGER NOT NULL REFERENCES test_links (id),
    lang             TEXT    NOT NULL,
    invite_subject   TEXT    NOT NULL DEFAULT '',
    invite_body      TEXT    NOT NULL DEFAULT '',
    reminder_subject TEXT    NOT NULL DEFAULT '',
    reminder_body    TEXT    NOT NULL DEFAULT '',
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (link_id, lang)
) WITHOUT ROWID;
