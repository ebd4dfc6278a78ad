// The server's merge rules (service/progress/merge.go), applied to a
// course view: how a client shows its own pending events at once, before
// the server has them. The shared vectors in
// service/progress/testdata/merge-vectors.json hold both to the same
// results.
import type { Course, Lesson, ProgressEvent } from "./types.js";
import { canonicalTime, compareTime } from "./time.js";

/** The view of a course with no progress. */
export function emptyCourse(userId: string, courseId: string): Course {
  return { userId, courseId, lessons: {}, completedCount: 0, lessonCount: null, percentComplete: null };
}

function cmp(a: string | number | undefined, b: string | number | undefined): number {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

// Position order: (time, event id), then payload, as comparePosition.
function positionWins(e: ProgressEvent, l: Lesson): boolean {
  if (l.positionAt === undefined) return true;
  return (
    (compareTime(e.occurredAt, l.positionAt) ||
      cmp(e.id, l.positionEventId) ||
      cmp(e.device, l.device) ||
      cmp(e.positionSeconds, l.positionSeconds)) > 0
  );
}

// Last-event order: (time, event id, lesson, device), as compareLast.
function lastWins(e: ProgressEvent, c: Course): boolean {
  if (c.updatedAt === undefined) return true;
  return (
    (compareTime(e.occurredAt, c.updatedAt) ||
      cmp(e.id, c.lastEventId) ||
      cmp(e.lessonId, c.lastLessonId) ||
      cmp(e.device, c.lastDevice)) > 0
  );
}

function summarise(c: Course): Course {
  c.completedCount = Object.values(c.lessons).filter((l) => l.completed).length;
  c.percentComplete =
    c.lessonCount === null ? null : Math.min(100, Math.round((c.completedCount * 10000) / c.lessonCount) / 100);
  return c;
}

function clone(c: Course): Course {
  return structuredClone(c);
}

/**
 * Merges one event into a course view and returns the new view; the
 * argument is not changed. Events at or before the view's reset are
 * ignored.
 */
export function applyEvent(view: Course, e: ProgressEvent): Course {
  return applyEvents(view, [e]);
}

/** Merges events in order; the result does not depend on the order. */
export function applyEvents(view: Course, events: readonly ProgressEvent[]): Course {
  if (events.length === 0) return view;
  const c = clone(view);
  for (const e of events) applyInPlace(c, e);
  return summarise(c);
}

function applyInPlace(c: Course, e: ProgressEvent): void {
  if (c.resetAt !== undefined && compareTime(e.occurredAt, c.resetAt) <= 0) return;
  const at = canonicalTime(e.occurredAt);
  const l: Lesson = c.lessons[e.lessonId] ?? { completed: false };
  if (e.type === "complete" && (!l.completed || l.completedAt === undefined || compareTime(at, l.completedAt) < 0)) {
    l.completed = true;
    l.completedAt = at;
  }
  if (e.positionSeconds !== undefined && positionWins({ ...e, occurredAt: at }, l)) {
    l.positionSeconds = e.positionSeconds;
    l.positionAt = at;
    l.positionEventId = e.id;
    l.device = e.device;
  }
  c.lessons[e.lessonId] = l;
  if (e.lessonCount !== undefined) c.lessonCount = Math.max(c.lessonCount ?? 0, e.lessonCount);
  if (lastWins({ ...e, occurredAt: at }, c)) {
    c.updatedAt = at;
    c.lastEventId = e.id;
    c.lastLessonId = e.lessonId;
    c.lastDevice = e.device;
  }
}

/**
 * Resets a course view at `at`, or at its latest event if that is later,
 * or keeps an earlier reset that is later still, as the server does.
 */
export function resetCourse(view: Course, at: string): Course {
  let r = canonicalTime(at);
  if (view.updatedAt !== undefined && compareTime(view.updatedAt, r) > 0) r = view.updatedAt;
  if (view.resetAt !== undefined && compareTime(view.resetAt, r) > 0) r = view.resetAt;
  return { ...emptyCourse(view.userId, view.courseId), resetAt: r };
}
