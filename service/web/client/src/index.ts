// progresskit's client for web apps; README.md in this package shows its use.
export type { Course, CourseList, ErrorBody, ErrorCode, EventBatch, Lesson, ProgressEvent, Summary } from "./types.js";
export { ApiError, ProgressApi, type ApiOptions, type Disposition } from "./http.js";
export { backoffDelay, parseRetryAfter, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.js";
export { applyEvent, applyEvents, emptyCourse, resetCourse } from "./merge.js";
export { canonicalTime, compareTime, parseInstant, type Instant } from "./time.js";
export { IndexedDBStore, MemoryStore, type QueuedEvent, type QueueStore } from "./store.js";
export * from "./limits.js";
export {
  InvalidActivity,
  ProgressClient,
  type Activity,
  type ClientEvent,
  type ClientOptions,
  type Dropped,
  type SyncResult,
  type SyncStatus,
} from "./client.js";
