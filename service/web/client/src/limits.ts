// The server's limits a client must respect, as service/api/openapi.yaml
// states them (test/schema.test.ts reads the schema to keep them equal).

/** The most events one POST may carry (EventBatch.maxItems). */
export const MAX_BATCH = 500;
/** The greatest positionSeconds (Event.positionSeconds.maximum): a week. */
export const MAX_POSITION_SECONDS = 604800;
/** The greatest lessonCount (Event.lessonCount.maximum). */
export const MAX_LESSON_COUNT = 10000;
/** How far ahead of the server's clock occurredAt may be. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
/** The pattern of user, course, lesson and event ids (ID.pattern). */
export const ID_PATTERN = /^[A-Za-z0-9._\-:@]{1,128}$/;
/** ID_PATTERN in words, for errors. */
export const ID_RULE = "must be 1 to 128 of A-Z a-z 0-9 . _ - : @";
/** The pattern of a device name (Event.device.pattern). */
export const DEVICE_PATTERN = /^[a-z0-9\-]{1,32}$/;
/** DEVICE_PATTERN in words, for errors. */
export const DEVICE_RULE = "must be 1 to 32 of a-z 0-9 -";
