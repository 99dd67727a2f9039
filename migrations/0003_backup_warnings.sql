-- 0003: what a backup completed with besides success.
--
-- warnings is the JSON array of the sentences the admin was told when the
-- backup completed (a file changed while it was read, a special file
-- skipped, a hard link across data paths, a container killed on stop): a
-- backup with one is not a clean copy, and every later listing says so.
-- Rows from before this migration have none recorded (NULL, read as []).
ALTER TABLE backup_records ADD COLUMN warnings JSON;
