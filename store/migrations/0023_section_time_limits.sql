-- A section may have a time limit of its own. A test with one takes its
-- sections one after another: the attempt knows the section the candidate
-- is in (its position on the paper) and when its time ends.
ALTER TABLE test_sections ADD COLUMN time_limit_minutes INTEGER CHECK (time_limit_minutes IS NULL OR time_limit_minutes BETWEEN 1 AND 1440);
ALTER TABLE invitations ADD COLUMN section_at INTEGER;
ALTER TABLE invitations ADD COLUMN section_deadline_at INTEGER;
