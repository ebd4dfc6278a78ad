DROP TABLE IF EXISTS progress_courses;
