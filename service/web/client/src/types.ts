// The API's types, from the generated schema.ts (npm run generate), so a
// change to service/api/openapi.yaml that the client does not follow fails
// the type check.
import type { components } from "./schema.js";

type Schemas = components["schemas"];

/** A course's merged progress, as GET and POST answer it. */
export type Course = Schemas["Course"];
/** One lesson of a Course. */
export type Lesson = Schemas["Lesson"];
/** An event as a client sends it. */
export type ProgressEvent = Schemas["Event"];
/** A batch of events, the body of POST .../events. */
export type EventBatch = Schemas["EventBatch"];
/** A course without its lessons, as the course list shows it. */
export type Summary = Schemas["Summary"];
/** A page of the course list. */
export type CourseList = Schemas["CourseList"];
/** The body of every error response. */
export type ErrorBody = Schemas["Error"];
/** The machine-readable error codes. */
export type ErrorCode = ErrorBody["error"]["code"];
