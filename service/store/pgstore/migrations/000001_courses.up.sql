CREATE TABLE IF NOT EXISTS progress_courses (
    user_id    text COLLATE "C" NOT NULL,
    course_id  text COLLATE "C" NOT NULL,
    doc        jsonb       NOT NULL,
    summary    jsonb       NOT NULL,
    lessons    integer     NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, course_id)
);
