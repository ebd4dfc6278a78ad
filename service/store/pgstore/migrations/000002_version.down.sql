ALTER TABLE progress_courses DROP COLUMN IF EXISTS version;
