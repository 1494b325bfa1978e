-- Candidates' languages: a link's default (invitations made through it copy
-- it when they name none) and the language a candidate chose on their
-- pages, which wins over both.
ALTER TABLE test_links ADD COLUMN lang TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN chosen_lang TEXT NOT NULL DEFAULT '';
