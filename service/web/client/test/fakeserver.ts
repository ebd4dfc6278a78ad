// An in-process stand-in for the progress API, for the client's own logic:
// it merges with the client's merge (held to the Go merge by the vectors)
// and fails on demand. The browser test runs against the real server.
import { applyEvents, emptyCourse, resetCourse } from "../src/merge.js";
import type { Course, ProgressEvent } from "../src/types.js";

type Failure = { status: number; headers?: Record<string, string>; code?: string } | "network";

export class FakeServer {
  courses = new Map<string, Course>();
  posts: { courseId: string; ids: string[]; minimal: boolean }[] = [];
  private failures: Failure[] = [];
  /** Refuses, with 400, any event whose lessonId is in this set. */
  refuseLessons = new Set<string>();
  now = () => new Date().toISOString();

  /** The next n requests fail this way. */
  fail(f: Failure, n = 1): void {
    for (let i = 0; i < n; i++) this.failures.push(f);
  }

  fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? "GET";
    const f = this.failures.shift();
    if (f === "network") throw new TypeError("fetch failed");
    if (f !== undefined) return json(f.status, { error: { code: f.code ?? "unavailable", message: `scripted ${f.status}` } }, f.headers);
    const m = /^\/v1\/users\/([^/]+)\/courses\/([^/]+)(\/events)?$/.exec(url.pathname);
    if (!m) return json(404, { error: { code: "not_found", message: "no route" } });
    const [, userId, courseId, events] = m as unknown as [string, string, string, string | undefined];
    const current = this.courses.get(courseId) ?? emptyCourse(decodeURIComponent(userId), courseId);
    if (method === "POST" && events) {
      const batch = (JSON.parse(String(init?.body)) as { events: ProgressEvent[] }).events;
      if (batch.length > 500) return json(400, { error: { code: "invalid_request", message: "events: at most 500" } });
      const bad = batch.findIndex((e) => this.refuseLessons.has(e.lessonId));
      if (bad >= 0) return json(400, { error: { code: "invalid_request", message: `events[${bad}].lessonId: refused` } });
      const minimal = new Headers(init?.headers).get("Prefer") === "return=minimal";
      this.posts.push({ courseId, ids: batch.map((e) => e.id), minimal });
      const next = applyEvents(current, batch);
      this.courses.set(courseId, next);
      return minimal ? new Response(null, { status: 204, headers: { "Preference-Applied": "return=minimal" } }) : json(200, next);
    }
    if (method === "GET" && !events) {
      return Object.keys(current.lessons).length === 0
        ? json(404, { error: { code: "not_found", message: "no progress" } })
        : json(200, current);
    }
    if (method === "DELETE" && !events) {
      this.courses.set(courseId, resetCourse(current, this.now()));
      return new Response(null, { status: 204 });
    }
    return json(405, { error: { code: "method_not_allowed", message: method } });
  };

  /** Every event id the server has accepted. */
  accepted(): string[] {
    return this.posts.flatMap((p) => p.ids);
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}
