// The client's merge against the vectors the Go merge is tested on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { applyEvents, emptyCourse, resetCourse } from "../src/merge.js";
import { canonicalTime, compareTime } from "../src/time.js";
import type { Course, ProgressEvent } from "../src/types.js";
import { vectorsFile } from "./paths.js";

interface Step {
  events?: ProgressEvent[];
  reset?: string;
}
interface Vectors {
  userId: string;
  courseId: string;
  cases: { name: string; steps: Step[]; want: Course }[];
}

const vectors = JSON.parse(readFileSync(vectorsFile, "utf8")) as Vectors;

function run(start: Course, steps: Step[]): Course {
  return steps.reduce((c, s) => (s.reset !== undefined ? resetCourse(c, s.reset) : applyEvents(c, s.events ?? [])), start);
}

test("there are vectors to share", () => {
  assert.ok(vectors.cases.length >= 10, `only ${vectors.cases.length}`);
});

for (const c of vectors.cases) {
  test(`vector: ${c.name}`, () => {
    const empty = emptyCourse(vectors.userId, vectors.courseId);
    assert.deepEqual(run(empty, c.steps), c.want);
    // As a client does: the server's view of the first steps, through
    // JSON, then the rest applied locally.
    for (let k = 1; k < c.steps.length; k++) {
      const server = JSON.parse(JSON.stringify(run(empty, c.steps.slice(0, k)))) as Course;
      assert.deepEqual(run(server, c.steps.slice(k)), c.want, `split after step ${k}`);
    }
    // Any order of the events of event-only cases gives the same view.
    if (c.steps.every((s) => s.reset === undefined)) {
      const all = c.steps.flatMap((s) => s.events ?? []);
      assert.deepEqual(applyEvents(empty, [...all].reverse()), c.want, "reversed");
    }
  });
}

test("applying an event leaves the view it was given unchanged", () => {
  const before = emptyCourse("u1", "c1");
  const copy = structuredClone(before);
  applyEvents(before, [{ id: "e1", lessonId: "l1", type: "complete", occurredAt: "2026-11-22T10:00:00Z", device: "web" }]);
  assert.deepEqual(before, copy);
});

test("times compare at nanosecond precision and print as the server does", () => {
  assert.ok(compareTime("2026-11-22T10:00:00.000000001Z", "2026-11-22T10:00:00Z") > 0);
  assert.equal(compareTime("2026-11-22T11:00:00+01:00", "2026-11-22T10:00:00.000Z"), 0);
  assert.equal(canonicalTime("2026-11-22T11:00:00.500+01:00"), "2026-11-22T10:00:00.5Z");
  assert.throws(() => canonicalTime("yesterday"), /RFC 3339/);
});
