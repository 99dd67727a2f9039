-- 0002: how each backup came into this catalog.
--
-- created_at stays when the point was taken (an imported archive keeps the
-- time in its manifest, which another host's clock wrote). recorded_at is
-- when this catalog recorded the point, written by Rewind at insert; origin
-- is 'created' for a backup Rewind made here and 'adopted' for an archive it
-- took in (import, catalog rebuild). Retention orders by the recording, never
-- by a time that came from outside.
--
-- Rows from before this migration: recorded_at is their created_at, origin
-- stays NULL (unknown, treated as made here, so retention keeps rather than
-- deletes).
ALTER TABLE backup_records ADD COLUMN recorded_at TIMESTAMP;
ALTER TABLE backup_records ADD COLUMN origin VARCHAR;
UPDATE backup_records SET recorded_at = created_at;
