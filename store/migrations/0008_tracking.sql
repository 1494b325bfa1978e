-- Testinvite's tracking: a candidate's uniqId is unique within a scope
-- (the task, a group, a set of labels, a set of programs). tracking_key
-- names the scope's instance, e.g. "task:12" or "group:campus-2027".
ALTER TABLE invitations ADD COLUMN tracking_uniq_id TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN tracking_key TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN candidate_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN callback_resource TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN callback_params TEXT NOT NULL DEFAULT '{}';
CREATE UNIQUE INDEX invitations_tracking ON invitations (tracking_key, tracking_uniq_id) WHERE tracking_uniq_id <> '';
