// The typed HTTP API: one method per operation of service/api/openapi.yaml
// that an app uses, with errors as ApiError.
import type { Course, CourseList, ErrorBody, ErrorCode, ProgressEvent } from "./types.js";
import { parseRetryAfter } from "./backoff.js";

/** Where the API is and how to authenticate; fetch is replaceable for tests and other runtimes. */
export interface ApiOptions {
  /** The API's origin and any path prefix, e.g. "https://progress.example.com"; "" for the page's own origin. */
  baseUrl: string;
  /** Returns a bearer token; called for every request, so it may refresh. */
  token: () => string | Promise<string>;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Default: Date.now. */
  now?: () => number;
}

/** How a failed request should be treated by a queue. */
export type Disposition =
  | "retry" // network error, 408, 429, 5xx: try again later
  | "auth" // 401 or 403: the token, not the request, is wrong; keep the events
  | "reject"; // any other 4xx: the request can never succeed

/** A request that did not succeed: an HTTP error, or no response at all (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | "network";
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;

  constructor(status: number, code: ErrorCode | "network", message: string, retryAfterMs?: number, requestId?: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
    this.requestId = requestId;
  }

  get disposition(): Disposition {
    const s = this.status;
    if (s === 0 || s === 408 || s === 429 || s >= 500) return "retry";
    if (s === 401 || s === 403) return "auth";
    return "reject";
  }
}

/** The preference (RFC 7240) for a write's acknowledgement alone. */
export const PREFER_MINIMAL = "return=minimal";

function segment(id: string): string {
  return encodeURIComponent(id);
}

/** The progress API for one learner. */
export class ProgressApi {
  readonly userId: string;
  private readonly opts: ApiOptions;

  constructor(userId: string, opts: ApiOptions) {
    this.userId = userId;
    this.opts = { ...opts, baseUrl: opts.baseUrl.replace(/\/+$/, "") };
  }

  private coursePath(courseId: string): string {
    return `${this.opts.baseUrl}/v1/users/${segment(this.userId)}/courses/${segment(courseId)}`;
  }

  private async request(method: string, url: string, body?: unknown, extra: Record<string, string> = {}): Promise<Response> {
    const doFetch = this.opts.fetch ?? fetch;
    const headers: Record<string, string> = { ...extra, Authorization: `Bearer ${await this.opts.token()}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let res: Response;
    try {
      res = await doFetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new ApiError(0, "network", `no response from ${method} ${url}: ${(err as Error).message}`);
    }
    if (res.ok) return res;
    const retryAfter = parseRetryAfter(res.headers.get("Retry-After"), (this.opts.now ?? Date.now)());
    let parsed: ErrorBody | undefined;
    try {
      parsed = (await res.json()) as ErrorBody;
    } catch {
      parsed = undefined;
    }
    const e = parsed?.error;
    throw new ApiError(
      res.status,
      e?.code ?? (res.status >= 500 ? "internal" : "invalid_request"),
      e?.message ?? `${method} ${url}: HTTP ${res.status}`,
      retryAfter,
      e?.requestId,
    );
  }

  /** Records events (at most MAX_BATCH) and returns the merged course. */
  async postEvents(courseId: string, events: ProgressEvent[]): Promise<Course>;
  /**
   * With minimal, asks for the acknowledgement alone (Prefer:
   * return=minimal), which spares the server a read, and resolves with
   * null; a server that answers with the course anyway gives the course.
   */
  async postEvents(courseId: string, events: ProgressEvent[], opts: { minimal: boolean }): Promise<Course | null>;
  async postEvents(courseId: string, events: ProgressEvent[], opts: { minimal: boolean } = { minimal: false }): Promise<Course | null> {
    const prefer: Record<string, string> = opts.minimal ? { Prefer: PREFER_MINIMAL } : {};
    const res = await this.request("POST", `${this.coursePath(courseId)}/events`, { events }, prefer);
    if (res.status === 204) return null;
    return (await res.json()) as Course;
  }

  /** The merged course, or null when no progress is recorded (404). */
  async getCourse(courseId: string): Promise<Course | null> {
    try {
      const res = await this.request("GET", this.coursePath(courseId));
      return (await res.json()) as Course;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  /** One page of the learner's courses, ordered by courseId. */
  async listCourses(opts: { limit?: number; cursor?: string } = {}): Promise<CourseList> {
    const q = new URLSearchParams();
    if (opts.limit !== undefined) q.set("limit", String(opts.limit));
    if (opts.cursor !== undefined) q.set("cursor", opts.cursor);
    const query = q.size > 0 ? `?${q}` : "";
    const res = await this.request("GET", `${this.opts.baseUrl}/v1/users/${segment(this.userId)}/courses${query}`);
    return (await res.json()) as CourseList;
  }

  /** Resets the course: events that occurred before now are ignored from then on. */
  async resetCourse(courseId: string): Promise<void> {
    await this.request("DELETE", this.coursePath(courseId));
  }
}
