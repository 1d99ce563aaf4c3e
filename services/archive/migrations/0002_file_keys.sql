-- Which row names a stored file: asked after every upload, so that a file whose request did not
-- commit (refused after it was stored, or its commit failed) is deleted, not left behind.
CREATE INDEX items_file_key ON items (file_key) WHERE file_key IS NOT NULL;
CREATE INDEX captions_file_key ON captions (file_key);
