-- A person is their address: the invitations of one address are found
-- by it (Xobin's candidate_id is the person's, the same in every
-- assessment they are invited to).
CREATE INDEX invitations_email ON invitations (email_norm, id);
