-- The deadline sweep looks only at started attempts. Indexed by status and
-- deadline, every invitation had an entry, written again at each change of
-- status; a partial index holds the started ones alone, so inviting,
-- opening and completing no longer write it.
DROP INDEX invitations_deadline;
CREATE INDEX invitations_deadline ON invitations (deadline_at) WHERE status = 'started';
