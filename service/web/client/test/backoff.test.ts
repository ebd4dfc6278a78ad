import { test } from "node:test";
import assert from "node:assert/strict";
import { backoffDelay, parseRetryAfter } from "../src/backoff.js";

const opts = { baseMs: 100, maxMs: 1000 };

test("the ceiling doubles per attempt up to the maximum, with jitter within it", () => {
  const ceilings = [100, 200, 400, 800, 1000, 1000];
  ceilings.forEach((ceiling, attempt) => {
    assert.equal(backoffDelay(attempt, undefined, () => 0, opts), ceiling / 2, `attempt ${attempt} least`);
    assert.equal(backoffDelay(attempt, undefined, () => 0.999999, opts), ceiling / 2 + (0.999999 * ceiling) / 2);
  });
});

test("Retry-After is a floor, with jitter on top", () => {
  assert.equal(backoffDelay(0, 3000, () => 0, opts), 3000);
  assert.equal(backoffDelay(2, 3000, () => 0.5, opts), 3000 + 100);
});

test("Retry-After reads seconds and HTTP dates", () => {
  const now = Date.parse("2026-11-22T10:00:00Z");
  assert.equal(parseRetryAfter("7", now), 7000);
  assert.equal(parseRetryAfter("Sun, 22 Nov 2026 10:00:05 GMT", now), 5000);
  assert.equal(parseRetryAfter(null, now), undefined);
  assert.equal(parseRetryAfter("soon", now), undefined);
});
