-- The invitation list pages through a link's invitations newest first,
-- often by status; on 100,000 invitations a link's list sorted all of them
-- for each page. invitations_created served no query.
DROP INDEX invitations_created;
CREATE INDEX invitations_link ON invitations (link_id, id);
CREATE INDEX invitations_link_status ON invitations (link_id, status, id);
