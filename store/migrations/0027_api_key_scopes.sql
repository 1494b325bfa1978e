-- An API key has a scope — full, invite (create and cancel invitations,
-- read everything) or read — and may expire.
ALTER TABLE api_keys ADD COLUMN scope TEXT NOT NULL DEFAULT 'full' CHECK (scope IN ('full', 'invite', 'read'));
ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
