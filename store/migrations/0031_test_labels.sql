-- Tests carry labels (iMocha lists and filters tests by them): a JSON
-- array of strings, each label at most once.
ALTER TABLE tests ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';
