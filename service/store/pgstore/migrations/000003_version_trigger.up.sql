-- Every update of a row bumps its version, whatever statement made it.
-- An optimistic writer (read the row and its version, write only if the
-- version is unchanged) then sees any other write that came between, also
-- one from a release that never set version itself (SELECT ... FOR UPDATE
-- and an UPDATE of doc alone): without this, such a write could be
-- overwritten during a rolling deploy. Rule for every migration: the
-- previous release must stay correct against the new schema (expand now,
-- contract in a later release).
CREATE OR REPLACE FUNCTION progress_bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS progress_courses_version ON progress_courses;
CREATE TRIGGER progress_courses_version BEFORE UPDATE ON progress_courses
    FOR EACH ROW EXECUTE FUNCTION progress_bump_version();
