// The offline-first client: events are queued durably, sent in batches
// when online, retried with backoff, and shown at once by applying them to
// the last server view with the server's own merge rules.
import { v7 as uuidv7 } from "uuid";
import type { Course, ProgressEvent } from "./types.js";
import { ApiError, ProgressApi } from "./http.js";
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.js";
import { applyEvents, emptyCourse } from "./merge.js";
import { IndexedDBStore, MemoryStore, type QueuedEvent, type QueueStore } from "./store.js";
import { DEVICE_PATTERN, DEVICE_RULE, ID_PATTERN, ID_RULE, MAX_BATCH, MAX_LESSON_COUNT, MAX_POSITION_SECONDS } from "./limits.js";

/** What a learner did, as an app records it; the client adds id, time and device. */
export interface Activity {
  lessonId: string;
  type: "progress" | "complete";
  /** Seconds into the lesson; required for "progress". */
  positionSeconds?: number;
  /** How many lessons the course has, for the percentage. */
  lessonCount?: number;
}

/** Everything a client needs; only baseUrl, userId, device and token are required. */
export interface ClientOptions {
  /** The API's origin ("" for the page's own). */
  baseUrl: string;
  /** The learner: the token's subject. */
  userId: string;
  /** This device's name, 1 to 32 of a-z 0-9 -, e.g. "web" or "ios". */
  device: string;
  /** Returns a bearer token; called per request, so it may refresh. */
  token: () => string | Promise<string>;
  /** Default: IndexedDB where the runtime has it, else memory. */
  store?: QueueStore;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Events per POST. Default and maximum: 500. */
  batchSize?: number;
  /** Default: 500 ms first ceiling, 60 s greatest. */
  backoff?: Partial<BackoffOptions>;
  /** Send on record() and retry on a timer. Default: true; tests call sync() themselves. */
  autoSync?: boolean;
  /** Default: true. False holds events in the queue, as when the device is offline. */
  online?: boolean;
  /**
   * Where the runtime says the network is back (an "online" event), so
   * that with autoSync the queue is sent then, not at the next backoff
   * retry, which after a long outage is up to a minute away. Default:
   * globalThis where it has addEventListener (a browser window or worker);
   * null for none.
   */
  connectivity?: Pick<EventTarget, "addEventListener" | "removeEventListener"> | null;
  /** Defaults: Math.random, Date.now, UUIDv7, setTimeout. */
  random?: () => number;
  now?: () => number;
  newId?: () => string;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** A queued event the server refused for good, and why. */
export interface Dropped {
  courseId: string;
  event: ProgressEvent;
  status: number;
  code: string;
  message: string;
}

/** The queue's state, for a status line. */
export interface SyncStatus {
  online: boolean;
  pending: number;
  /** When the next retry is due (ms since the epoch), if one is scheduled. */
  retryAt?: number;
  /** The last failure, until a sync succeeds. */
  error?: { status: number; code: string; message: string; disposition: "retry" | "auth" };
}

export type ClientEvent =
  | { type: "change"; courseId: string; view: Course }
  | { type: "dropped"; dropped: Dropped }
  | { type: "status"; status: SyncStatus };

/** Thrown by record() for activity the server would refuse; nothing is queued. */
export class InvalidActivity extends TypeError {
  constructor(field: string, rule: string) {
    super(`${field}: ${rule}`);
    this.name = "InvalidActivity";
  }
}

/** The result of one sync(). */
export interface SyncResult {
  sent: number;
  dropped: Dropped[];
  /** Still queued: offline, or a failure to retry (see retryInMs) or to fix (auth). */
  pending: number;
  retryInMs?: number;
}

function defaultStore(): QueueStore {
  return typeof indexedDB === "undefined" ? new MemoryStore() : new IndexedDBStore();
}

function defaultConnectivity(): ClientOptions["connectivity"] {
  return typeof globalThis.addEventListener === "function" ? globalThis : null;
}

/**
 * One learner's progress on one device. Create it, call load() for the
 * courses shown, record() what the learner does, and subscribe() to
 * redraw.
 */
export class ProgressClient {
  readonly api: ProgressApi;
  readonly userId: string;
  readonly device: string;
  private readonly store: QueueStore;
  private readonly opts: ClientOptions;
  private readonly backoff: BackoffOptions;
  private readonly batchSize: number;
  private readonly server = new Map<string, Course | null>();
  // Counts the POST answers per course, so that a GET which started before
  // one cannot replace the newer view it carries.
  private readonly posted = new Map<string, number>();
  private queue: QueuedEvent[] = [];
  private loaded: Promise<void>;
  private listeners = new Set<(e: ClientEvent) => void>();
  private online: boolean;
  private attempt = 0;
  private timer: unknown;
  private retryAt: number | undefined;
  private lastError: SyncStatus["error"];
  private syncing: Promise<SyncResult> | undefined;
  private rerun = false;
  private readonly connectivity: ClientOptions["connectivity"];

  constructor(opts: ClientOptions) {
    if (!ID_PATTERN.test(opts.userId)) throw new InvalidActivity("userId", ID_RULE);
    if (!DEVICE_PATTERN.test(opts.device)) throw new InvalidActivity("device", DEVICE_RULE);
    const size = opts.batchSize ?? MAX_BATCH;
    if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH) {
      throw new InvalidActivity("batchSize", `must be a whole number from 1 to ${MAX_BATCH}`);
    }
    this.opts = opts;
    this.userId = opts.userId;
    this.device = opts.device;
    this.batchSize = size;
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.online = opts.online ?? true;
    this.store = opts.store ?? defaultStore();
    const apiOpts = { baseUrl: opts.baseUrl, token: opts.token, ...(opts.fetch ? { fetch: opts.fetch } : {}), now: () => this.now() };
    this.api = new ProgressApi(opts.userId, apiOpts);
    this.loaded = this.store.pending(this.userId).then((q) => {
      this.queue = q;
    });
    this.connectivity = opts.autoSync === false ? null : opts.connectivity === undefined ? defaultConnectivity() : opts.connectivity;
    this.connectivity?.addEventListener("online", this.networkBack);
  }

  private readonly networkBack = (): void => {
    if (!this.online || this.queue.length === 0) return;
    // A run still in flight began while the network was down and ends by
    // scheduling a backoff retry: send again once it has.
    void (this.syncing ?? Promise.resolve()).then(() => {
      if (this.online && this.queue.length > 0) return this.sync();
      return undefined;
    });
  };

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Calls fn on every change of a course, drop and status; returns the unsubscribe. */
  subscribe(fn: (e: ClientEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(e: ClientEvent): void {
    for (const fn of this.listeners) fn(e);
  }

  private emitCourse(courseId: string): void {
    if (this.listeners.size === 0) return;
    this.emit({ type: "change", courseId, view: this.view(courseId) });
  }

  /** The queue's state now. */
  status(): SyncStatus {
    const s: SyncStatus = { online: this.online, pending: this.queue.length };
    if (this.retryAt !== undefined) s.retryAt = this.retryAt;
    if (this.lastError !== undefined) s.error = this.lastError;
    return s;
  }

  private emitStatus(): void {
    this.emit({ type: "status", status: this.status() });
  }

  /** Events not yet acknowledged, of one course or of all. */
  pending(courseId?: string): ProgressEvent[] {
    return this.queue.filter((q) => courseId === undefined || q.courseId === courseId).map((q) => q.event);
  }

  /** The course as this device should show it: the last server view with the pending events applied. */
  view(courseId: string): Course {
    const base = this.server.get(courseId) ?? emptyCourse(this.userId, courseId);
    return applyEvents(base, this.pending(courseId));
  }

  /**
   * Reads the cached view and the queue from the store, then, when online,
   * the server's view. Resolves with the view to show.
   */
  async load(courseId: string): Promise<Course> {
    await this.loaded;
    if (!this.server.has(courseId)) this.server.set(courseId, await this.store.getView(this.userId, courseId));
    this.emitCourse(courseId);
    if (this.online) {
      try {
        await this.refresh(courseId);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
      }
      if (this.opts.autoSync !== false && this.queue.length > 0) void this.sync();
    }
    return this.view(courseId);
  }

  /** Fetches the server's view of a course now. */
  async refresh(courseId: string): Promise<Course> {
    const before = this.posted.get(courseId) ?? 0;
    const v = await this.api.getCourse(courseId);
    if ((this.posted.get(courseId) ?? 0) === before) await this.setServer(courseId, v);
    return this.view(courseId);
  }

  private async setServer(courseId: string, v: Course | null): Promise<void> {
    this.server.set(courseId, v);
    await this.store.putView(this.userId, courseId, v);
    this.emitCourse(courseId);
  }

  /**
   * Records what the learner did. The event is stored durably before the
   * promise resolves and shows in view() at once; it is sent when online.
   * Activity the server would refuse throws InvalidActivity and queues
   * nothing.
   */
  async record(courseId: string, a: Activity): Promise<ProgressEvent> {
    if (!ID_PATTERN.test(courseId)) throw new InvalidActivity("courseId", ID_RULE);
    if (!ID_PATTERN.test(a.lessonId)) throw new InvalidActivity("lessonId", ID_RULE);
    if (a.type !== "progress" && a.type !== "complete") throw new InvalidActivity("type", 'must be "progress" or "complete"');
    if (a.type === "progress" && a.positionSeconds === undefined) throw new InvalidActivity("positionSeconds", "is required on a progress event");
    const p = a.positionSeconds;
    if (p !== undefined && !(Number.isFinite(p) && p >= 0 && p <= MAX_POSITION_SECONDS)) {
      throw new InvalidActivity("positionSeconds", `must be between 0 and ${MAX_POSITION_SECONDS}`);
    }
    const n = a.lessonCount;
    if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= MAX_LESSON_COUNT)) {
      throw new InvalidActivity("lessonCount", `must be a whole number from 1 to ${MAX_LESSON_COUNT}`);
    }
    const event: ProgressEvent = {
      id: (this.opts.newId ?? uuidv7)(),
      lessonId: a.lessonId,
      type: a.type,
      occurredAt: new Date(this.now()).toISOString(),
      device: this.device,
      ...(p !== undefined ? { positionSeconds: p } : {}),
      ...(n !== undefined ? { lessonCount: n } : {}),
    };
    await this.loaded;
    const q: QueuedEvent = { userId: this.userId, courseId, event };
    await this.store.put([q]);
    this.queue.push(q);
    this.emitCourse(courseId);
    this.emitStatus();
    if (this.online && this.opts.autoSync !== false && this.retryAt === undefined) void this.sync();
    return event;
  }

  /** Holds events (false) or sends them (true), as a device's connectivity changes. */
  setOnline(online: boolean): void {
    this.online = online;
    if (!online) this.cancelRetry();
    this.emitStatus();
    if (online && this.opts.autoSync !== false) void this.sync();
  }

  isOnline(): boolean {
    return this.online;
  }

  /**
   * Resets a course on the server: progress recorded before now, on any
   * device, is cleared and ignored when it arrives later. This device's
   * own queued events for the course occurred before the reset, so they
   * are discarded here too. Needs the network.
   */
  async reset(courseId: string): Promise<Course> {
    await this.loaded;
    await this.api.resetCourse(courseId);
    const stale = this.queue.filter((q) => q.courseId === courseId);
    await this.store.remove(this.userId, stale.map((q) => q.event.id));
    this.queue = this.queue.filter((q) => q.courseId !== courseId);
    await this.refresh(courseId);
    this.emitStatus();
    return this.view(courseId);
  }

  private cancelRetry(): void {
    if (this.timer !== undefined) (this.opts.clearTimer ?? clearTimeout)(this.timer as ReturnType<typeof setTimeout>);
    this.timer = undefined;
    this.retryAt = undefined;
  }

  /** Stops the retry timer and listening for the network; the queue stays in the store. */
  close(): void {
    this.cancelRetry();
    this.connectivity?.removeEventListener("online", this.networkBack);
    this.listeners.clear();
  }

  /**
   * Sends every queued event, course by course, in batches. Concurrent
   * calls share one run. On a failure worth retrying it stops and, with
   * autoSync, schedules the next try.
   */
  sync(): Promise<SyncResult> {
    if (this.syncing !== undefined) {
      // An event recorded while a run ends would otherwise wait for the
      // next trigger: run once more.
      this.rerun = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      let r: SyncResult;
      do {
        this.rerun = false;
        r = await this.runSync();
      } while (this.rerun && this.lastError === undefined && this.queue.length > 0);
      return r;
    })().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async runSync(): Promise<SyncResult> {
    await this.loaded;
    const result: SyncResult = { sent: 0, dropped: [], pending: 0 };
    if (!this.online) {
      result.pending = this.queue.length;
      return result;
    }
    this.cancelRetry();
    try {
      while (this.queue.length > 0 && this.online) {
        const courseId = this.queue[0]!.courseId;
        const batch = this.queue.filter((q) => q.courseId === courseId).slice(0, this.batchSize);
        await this.send(courseId, batch, result);
      }
      this.attempt = 0;
      this.lastError = undefined;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const disposition = err.disposition === "auth" ? "auth" : "retry";
      this.lastError = { status: err.status, code: err.code, message: err.message, disposition };
      if (disposition === "retry") {
        const delay = backoffDelay(this.attempt, err.retryAfterMs, this.opts.random ?? Math.random, this.backoff);
        this.attempt++;
        result.retryInMs = delay;
        this.retryAt = this.now() + delay;
        if (this.opts.autoSync !== false) {
          this.timer = (this.opts.setTimer ?? setTimeout)(() => {
            this.timer = undefined;
            this.retryAt = undefined;
            void this.sync();
          }, delay);
        }
      }
    }
    result.pending = this.queue.length;
    this.emitStatus();
    return result;
  }

  // send posts a batch. A batch the server refuses for good is split in
  // halves until the event at fault is alone, so one bad event never costs
  // the good ones around it; that event is dropped and reported.
  //
  // Heartbeats (a batch of positions only, what a playing lesson sends
  // most) ask for the acknowledgement alone, which spares the server the
  // read of the course; the client applies them to its last view itself,
  // by the server's rules. A completion asks for the merged course, which
  // also brings what other devices did. refresh() fetches it on demand.
  private async send(courseId: string, batch: QueuedEvent[], result: SyncResult): Promise<void> {
    const events = batch.map((q) => q.event);
    const minimal = events.every((e) => e.type === "progress");
    let view: Course | null;
    try {
      view = await this.api.postEvents(courseId, events, { minimal });
    } catch (err) {
      if (!(err instanceof ApiError) || err.disposition !== "reject") throw err;
      if (batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await this.send(courseId, batch.slice(0, half), result);
        await this.send(courseId, batch.slice(half), result);
        return;
      }
      const d: Dropped = { courseId, event: batch[0]!.event, status: err.status, code: err.code, message: err.message };
      await this.acknowledge(batch);
      result.dropped.push(d);
      this.emit({ type: "dropped", dropped: d });
      this.emitCourse(courseId);
      return;
    }
    const base = this.server.get(courseId) ?? emptyCourse(this.userId, courseId);
    await this.acknowledge(batch);
    result.sent += batch.length;
    this.posted.set(courseId, (this.posted.get(courseId) ?? 0) + 1);
    await this.setServer(courseId, view ?? applyEvents(base, events));
  }

  private async acknowledge(batch: QueuedEvent[]): Promise<void> {
    const ids = new Set(batch.map((q) => q.event.id));
    await this.store.remove(this.userId, [...ids]);
    this.queue = this.queue.filter((q) => !ids.has(q.event.id));
  }
}
