-- Searching invitations by name or address: a LIKE '%…%' read every row
-- (0.3 s on 300,000). A full-text index of their words (case and accents
-- folded) finds words by their beginnings from an index instead.
-- The store keeps it in step with the invitations (search.go) in the same
-- statements' transactions, a statement per batch: triggers, running a
-- statement per row, made bulk inserts five times slower.
CREATE VIRTUAL TABLE invitations_search USING fts5(name, email_norm, tokenize = 'unicode61 remove_diacritics 2');

INSERT INTO invitations_search (rowid, name, email_norm) SELECT id, name, email_norm FROM invitations;
