-- A course's merge registers as rows and columns, so that a write is one
-- statement that joins only the registers its events touch (see package
-- service/store/registers for the encodings: strings whose byte order is
-- the merge order). The course row keeps its own registers and the
-- counts a listing shows; each lesson is a row of progress_lessons.
--
-- Expand, then contract: the previous release keeps reading and writing
-- doc. Every doc it writes is folded into the registers by a trigger, so
-- nothing it records is lost; what this release records it does not see
-- until it stops. A later release drops doc, summary, lessons and version.
BEGIN;

ALTER TABLE progress_courses
    ALTER COLUMN doc SET DEFAULT '{}',
    ALTER COLUMN summary SET DEFAULT '{}',
    ALTER COLUMN lessons SET DEFAULT 0,
    ADD COLUMN IF NOT EXISTS reset_at     text COLLATE "C",
    ADD COLUMN IF NOT EXISTS last_key     text COLLATE "C",
    ADD COLUMN IF NOT EXISTS lesson_count integer NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS live_lessons integer NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS completed    integer NOT NULL DEFAULT 0;

CREATE TABLE IF NOT EXISTS progress_lessons (
    user_id      text COLLATE "C" NOT NULL,
    course_id    text COLLATE "C" NOT NULL,
    lesson_id    text COLLATE "C" NOT NULL,
    position_key text COLLATE "C",
    completed_at text COLLATE "C",
    PRIMARY KEY (user_id, course_id, lesson_id)
);

-- progress_batch is what a batch brings to each lesson after a reset at
-- r (NULL: none): the lessons with an event after it, each with its
-- greatest position after it and its earliest completion after it, and
-- whether the lesson is already held and completed.
CREATE OR REPLACE FUNCTION progress_batch(
    p_user text, p_course text, r text,
    p_lessons text[], p_positions text[], p_latest text[],
    p_comp_lessons text[], p_comp_at text[]
) RETURNS TABLE (lesson_id text, position_key text, completed_at text, existed boolean, was_done boolean)
LANGUAGE sql STABLE AS $$
    SELECT b.lesson_id,
           CASE WHEN b.position_key >= coalesce(r || '!', '') THEN b.position_key END,
           (SELECT min(c.at) FROM unnest(p_comp_lessons, p_comp_at) AS c(lesson_id, at)
             WHERE c.lesson_id = b.lesson_id AND (r IS NULL OR c.at > r)),
           l.lesson_id IS NOT NULL,
           l.completed_at IS NOT NULL
    FROM unnest(p_lessons, p_positions, p_latest) AS b(lesson_id, position_key, latest)
    LEFT JOIN progress_lessons l ON l.user_id = p_user AND l.course_id = p_course AND l.lesson_id = b.lesson_id
    WHERE r IS NULL OR b.latest > r
$$;

-- progress_join merges a batch into a course's registers, as
-- progress.Course.ApplyBatch (events) or Join (a whole course) does, under
-- the course row's lock: concurrent writers of one course queue, and none
-- reads a reset time that another is changing. Arguments are
-- registers.Batch: per lesson its greatest position key and latest event
-- time, every completion, each count with the latest time it was
-- reported, the greatest last-event key, and a reset the batch carries.
-- Over max_lessons live lessons it raises PK422 and changes nothing.
CREATE OR REPLACE FUNCTION progress_join(
    p_user text, p_course text, p_reset text, p_last text,
    p_counts integer[], p_count_at text[],
    p_lessons text[], p_positions text[], p_latest text[],
    p_comp_lessons text[], p_comp_at text[],
    p_max_lessons integer
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r        text;   -- the reset time after this join
    cut      text;   -- keys below it are at or before r
    new_live integer;
    new_done integer;
    n_count  integer;
BEGIN
    INSERT INTO progress_courses (user_id, course_id) VALUES (p_user, p_course) ON CONFLICT DO NOTHING;
    SELECT reset_at INTO r FROM progress_courses WHERE user_id = p_user AND course_id = p_course FOR UPDATE;
    IF p_reset IS NOT NULL AND (r IS NULL OR p_reset > r) THEN
        -- A later reset drops what it covers, as Course.Join prunes.
        r := p_reset;
        cut := r || '!';
        UPDATE progress_lessons SET
            position_key = CASE WHEN position_key >= cut THEN position_key END,
            completed_at = CASE WHEN completed_at > r THEN completed_at END
        WHERE user_id = p_user AND course_id = p_course;
        DELETE FROM progress_lessons
        WHERE user_id = p_user AND course_id = p_course AND position_key IS NULL AND completed_at IS NULL;
        UPDATE progress_courses SET
            reset_at = r,
            last_key = CASE WHEN last_key >= cut THEN last_key END,
            lesson_count = CASE WHEN last_key >= cut THEN lesson_count ELSE 0 END,
            live_lessons = (SELECT count(*) FROM progress_lessons WHERE user_id = p_user AND course_id = p_course),
            completed = (SELECT count(*) FROM progress_lessons WHERE user_id = p_user AND course_id = p_course AND completed_at IS NOT NULL)
        WHERE user_id = p_user AND course_id = p_course;
    END IF;
    cut := coalesce(r || '!', '');

    SELECT count(*) FILTER (WHERE NOT b.existed),
           count(*) FILTER (WHERE b.completed_at IS NOT NULL AND NOT b.was_done)
      INTO new_live, new_done FROM progress_batch(p_user, p_course, r, p_lessons, p_positions, p_latest, p_comp_lessons, p_comp_at) b;
    IF new_live > 0 AND (SELECT live_lessons FROM progress_courses WHERE user_id = p_user AND course_id = p_course) + new_live > p_max_lessons THEN
        RAISE EXCEPTION 'the course would hold more than % distinct lessons', p_max_lessons USING ERRCODE = 'PK422';
    END IF;

    -- The course row's lock keeps every other writer of this course out,
    -- so the lessons read above are the ones this upserts.
    INSERT INTO progress_lessons AS l (user_id, course_id, lesson_id, position_key, completed_at)
    SELECT p_user, p_course, b.lesson_id, b.position_key, b.completed_at
    FROM progress_batch(p_user, p_course, r, p_lessons, p_positions, p_latest, p_comp_lessons, p_comp_at) b
    ON CONFLICT (user_id, course_id, lesson_id) DO UPDATE SET
        position_key = GREATEST(l.position_key, EXCLUDED.position_key),
        completed_at = CASE
            WHEN EXCLUDED.completed_at IS NULL THEN l.completed_at
            WHEN l.completed_at IS NULL OR l.completed_at <= r THEN EXCLUDED.completed_at
            ELSE LEAST(l.completed_at, EXCLUDED.completed_at) END
    -- A heartbeat whose position is not newer rewrites nothing.
    WHERE EXCLUDED.position_key > l.position_key OR (EXCLUDED.position_key IS NOT NULL AND l.position_key IS NULL)
       OR (EXCLUDED.completed_at IS NOT NULL AND (l.completed_at IS NULL OR l.completed_at <= r OR EXCLUDED.completed_at < l.completed_at));

    SELECT max(c.n) INTO n_count FROM unnest(p_counts, p_count_at) AS c(n, at) WHERE r IS NULL OR c.at > r;
    UPDATE progress_courses SET
        last_key = CASE WHEN p_last >= cut THEN GREATEST(last_key, p_last) ELSE last_key END,
        lesson_count = GREATEST(lesson_count, coalesce(n_count, 0)),
        live_lessons = live_lessons + new_live,
        completed = completed + new_done,
        updated_at = now()
    WHERE user_id = p_user AND course_id = p_course;
END
$$;

-- progress_reset clears a course as Course.Reset(now) does: at now, or at
-- its newest event if that is later, or its earlier reset if later still.
-- Every lesson held is at or before that time, so all go.
CREATE OR REPLACE FUNCTION progress_reset(p_user text, p_course text, p_now text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r    text;
    last text;
BEGIN
    INSERT INTO progress_courses (user_id, course_id) VALUES (p_user, p_course) ON CONFLICT DO NOTHING;
    SELECT reset_at, last_key INTO r, last FROM progress_courses WHERE user_id = p_user AND course_id = p_course FOR UPDATE;
    r := GREATEST(p_now, split_part(last, ' ', 1), r);
    DELETE FROM progress_lessons WHERE user_id = p_user AND course_id = p_course;
    -- The previous release reads doc: show it the reset too.
    UPDATE progress_courses SET reset_at = r, last_key = NULL, lesson_count = 0, live_lessons = 0, completed = 0,
        doc = jsonb_build_object('r', r), summary = '{}', lessons = 0, updated_at = now()
    WHERE user_id = p_user AND course_id = p_course;
END
$$;

-- progress_time turns a time as Go writes it in JSON (RFC 3339, UTC,
-- trailing zeros of the fraction trimmed) into registers.Time's encoding.
CREATE OR REPLACE FUNCTION progress_time(t text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
    SELECT CASE WHEN t IS NULL THEN NULL ELSE
        substring(t FROM 1 FOR 19) || '.' || rpad(coalesce(substring(t FROM '^[^.Z]*\.([0-9]+)'), ''), 9, '0') || 'Z'
    END
$$;

-- progress_fold_doc merges a course document as the previous release
-- writes it (service/progress.Course in JSON) into the registers.
CREATE OR REPLACE FUNCTION progress_fold_doc(p_user text, p_course text, p_doc jsonb, p_max_lessons integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    last     jsonb := p_doc -> 'e';
    last_key text;
BEGIN
    IF last IS NOT NULL THEN
        last_key := progress_time(last ->> 't') || ' ' || (last ->> 'i') || ' ' || (last ->> 'l') || ' ' || (last ->> 'd');
    END IF;
    PERFORM progress_join(
        p_user, p_course, progress_time(p_doc ->> 'r'), last_key,
        CASE WHEN last IS NOT NULL AND (p_doc ->> 'n')::integer > 0 THEN ARRAY[(p_doc ->> 'n')::integer] ELSE '{}' END,
        CASE WHEN last IS NOT NULL AND (p_doc ->> 'n')::integer > 0 THEN ARRAY[progress_time(last ->> 't')] ELSE '{}' END,
        coalesce((SELECT array_agg(id ORDER BY id) FROM jsonb_object_keys(coalesce(p_doc -> 'l', '{}')) AS id), '{}'),
        coalesce((SELECT array_agg(CASE WHEN v ? 'p' THEN
                    progress_time(v -> 'p' ->> 't') || ' ' || (v -> 'p' ->> 'i') || ' ' || (v -> 'p' ->> 'd') || ' ' ||
                    encode(float8send((v -> 'p' ->> 's')::float8), 'hex') END ORDER BY id)
                  FROM jsonb_each(coalesce(p_doc -> 'l', '{}')) AS e(id, v)), '{}'),
        coalesce((SELECT array_agg(GREATEST(progress_time(v ->> 'ca'), progress_time(v -> 'p' ->> 't')) ORDER BY id)
                  FROM jsonb_each(coalesce(p_doc -> 'l', '{}')) AS e(id, v)), '{}'),
        coalesce((SELECT array_agg(id ORDER BY id) FROM jsonb_each(coalesce(p_doc -> 'l', '{}')) AS e(id, v) WHERE (v ->> 'c')::boolean), '{}'),
        coalesce((SELECT array_agg(progress_time(v ->> 'ca') ORDER BY id) FROM jsonb_each(coalesce(p_doc -> 'l', '{}')) AS e(id, v) WHERE (v ->> 'c')::boolean), '{}'),
        p_max_lessons);
END
$$;

-- A document the previous release writes reaches the registers in the
-- same transaction. (This release writes doc only on reset, with nothing
-- to fold but the reset.)
CREATE OR REPLACE FUNCTION progress_fold_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The previous release enforces the lesson limit itself.
    PERFORM progress_fold_doc(NEW.user_id, NEW.course_id, NEW.doc, 2147483647);
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS progress_courses_fold_insert ON progress_courses;
CREATE TRIGGER progress_courses_fold_insert AFTER INSERT ON progress_courses
    FOR EACH ROW WHEN (NEW.doc <> '{}'::jsonb) EXECUTE FUNCTION progress_fold_trigger();
DROP TRIGGER IF EXISTS progress_courses_fold_update ON progress_courses;
CREATE TRIGGER progress_courses_fold_update AFTER UPDATE OF doc ON progress_courses
    FOR EACH ROW WHEN (NEW.doc IS DISTINCT FROM OLD.doc AND pg_trigger_depth() < 1) EXECUTE FUNCTION progress_fold_trigger();

-- Courses written before this migration move into the registers now.
SELECT progress_fold_doc(user_id, course_id, doc, 2147483647) FROM progress_courses WHERE doc <> '{}'::jsonb;

COMMIT;
