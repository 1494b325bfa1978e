-- The rows an import leaves out are downloaded with the file's own columns,
-- so they can be fixed and uploaded again: the header of the file and each
-- left-out row's fields as read, both JSON arrays of strings.
ALTER TABLE imports ADD COLUMN header TEXT NOT NULL DEFAULT '[]';
ALTER TABLE import_rejections ADD COLUMN record TEXT NOT NULL DEFAULT '[]';
