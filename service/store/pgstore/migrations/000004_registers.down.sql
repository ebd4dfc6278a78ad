BEGIN;
DROP TRIGGER IF EXISTS progress_courses_fold_insert ON progress_courses;
DROP TRIGGER IF EXISTS progress_courses_fold_update ON progress_courses;
DROP FUNCTION IF EXISTS progress_fold_trigger();
DROP FUNCTION IF EXISTS progress_fold_doc(text, text, jsonb, integer);
DROP FUNCTION IF EXISTS progress_time(text);
DROP FUNCTION IF EXISTS progress_reset(text, text, text);
DROP FUNCTION IF EXISTS progress_join(text, text, text, text, integer[], text[], text[], text[], text[], text[], text[], integer);
DROP FUNCTION IF EXISTS progress_batch(text, text, text, text[], text[], text[], text[], text[]);
DROP TABLE IF EXISTS progress_lessons;
ALTER TABLE progress_courses
    DROP COLUMN IF EXISTS reset_at, DROP COLUMN IF EXISTS last_key, DROP COLUMN IF EXISTS lesson_count,
    DROP COLUMN IF EXISTS live_lessons, DROP COLUMN IF EXISTS completed;
COMMIT;
