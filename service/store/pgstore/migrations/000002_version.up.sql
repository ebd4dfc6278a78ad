-- A version per row lets Update write without a transaction: read the row
-- and its version, merge in Go, then write only if the version is unchanged.
ALTER TABLE progress_courses ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 1;
