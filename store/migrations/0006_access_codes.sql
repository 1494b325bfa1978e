-- A one-time access code a candidate must type besides opening the link
-- (ThinkExam's isPasswordSkip=0), with wrong tries counted.
ALTER TABLE invitations ADD COLUMN access_code TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN access_failures INTEGER NOT NULL DEFAULT 0;
