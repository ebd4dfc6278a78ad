DROP TRIGGER IF EXISTS progress_courses_version ON progress_courses;
DROP FUNCTION IF EXISTS progress_bump_version();
