// src/backoff.ts
var DEFAULT_BACKOFF = { baseMs: 500, maxMs: 6e4 };
function backoffDelay(attempt, retryAfterMs, random, opts = DEFAULT_BACKOFF) {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt));
  const jitter = random() * ceiling / 2;
  if (retryAfterMs !== void 0) return retryAfterMs + jitter;
  return ceiling / 2 + jitter;
}
function parseRetryAfter(value, now) {
  if (value === null || value.trim() === "") return void 0;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1e3;
  const at = Date.parse(value);
  return Number.isNaN(at) ? void 0 : Math.max(0, at - now);
}

// src/http.ts
var ApiError = class extends Error {
  status;
  code;
  retryAfterMs;
  requestId;
  constructor(status, code, message, retryAfterMs, requestId) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
    this.requestId = requestId;
  }
  get disposition() {
    const s = this.status;
    if (s === 0 || s === 408 || s === 429 || s >= 500) return "retry";
    if (s === 401 || s === 403) return "auth";
    return "reject";
  }
};
var PREFER_MINIMAL = "return=minimal";
function segment(id) {
  return encodeURIComponent(id);
}
var ProgressApi = class {
  userId;
  opts;
  constructor(userId, opts) {
    this.userId = userId;
    this.opts = { ...opts, baseUrl: opts.baseUrl.replace(/\/+$/, "") };
  }
  coursePath(courseId) {
    return `${this.opts.baseUrl}/v1/users/${segment(this.userId)}/courses/${segment(courseId)}`;
  }
  async request(method, url, body, extra = {}) {
    const doFetch = this.opts.fetch ?? fetch;
    const headers = { ...extra, Authorization: `Bearer ${await this.opts.token()}` };
    if (body !== void 0) headers["Content-Type"] = "application/json";
    let res;
    try {
      res = await doFetch(url, { method, headers, body: body === void 0 ? void 0 : JSON.stringify(body) });
    } catch (err) {
      throw new ApiError(0, "network", `no response from ${method} ${url}: ${err.message}`);
    }
    if (res.ok) return res;
    const retryAfter = parseRetryAfter(res.headers.get("Retry-After"), (this.opts.now ?? Date.now)());
    let parsed;
    try {
      parsed = await res.json();
    } catch {
      parsed = void 0;
    }
    const e = parsed?.error;
    throw new ApiError(
      res.status,
      e?.code ?? (res.status >= 500 ? "internal" : "invalid_request"),
      e?.message ?? `${method} ${url}: HTTP ${res.status}`,
      retryAfter,
      e?.requestId
    );
  }
  async postEvents(courseId, events, opts = { minimal: false }) {
    const prefer = opts.minimal ? { Prefer: PREFER_MINIMAL } : {};
    const res = await this.request("POST", `${this.coursePath(courseId)}/events`, { events }, prefer);
    if (res.status === 204) return null;
    return await res.json();
  }
  /** The merged course, or null when no progress is recorded (404). */
  async getCourse(courseId) {
    try {
      const res = await this.request("GET", this.coursePath(courseId));
      return await res.json();
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }
  /** One page of the learner's courses, ordered by courseId. */
  async listCourses(opts = {}) {
    const q = new URLSearchParams();
    if (opts.limit !== void 0) q.set("limit", String(opts.limit));
    if (opts.cursor !== void 0) q.set("cursor", opts.cursor);
    const query = q.size > 0 ? `?${q}` : "";
    const res = await this.request("GET", `${this.opts.baseUrl}/v1/users/${segment(this.userId)}/courses${query}`);
    return await res.json();
  }
  /** Resets the course: events that occurred before now are ignored from then on. */
  async resetCourse(courseId) {
    await this.request("DELETE", this.coursePath(courseId));
  }
};

// src/time.ts
var RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i;
function parseInstant(s) {
  const m = RFC3339.exec(s);
  if (!m) throw new TypeError(`not an RFC 3339 timestamp: ${JSON.stringify(s)}`);
  const ms = Date.parse(`${m[1]}${m[3].toUpperCase()}`);
  if (Number.isNaN(ms)) throw new TypeError(`not a valid time: ${JSON.stringify(s)}`);
  return { seconds: ms / 1e3, nanos: Number((m[2] ?? "").padEnd(9, "0")) };
}
function compareTime(a, b) {
  const x = parseInstant(a);
  const y = parseInstant(b);
  return x.seconds - y.seconds || x.nanos - y.nanos;
}
function canonicalTime(s) {
  const { seconds, nanos } = parseInstant(s);
  const base = new Date(seconds * 1e3).toISOString().slice(0, 19);
  const fraction = nanos === 0 ? "" : "." + String(nanos).padStart(9, "0").replace(/0+$/, "");
  return `${base}${fraction}Z`;
}

// src/merge.ts
function emptyCourse(userId, courseId) {
  return { userId, courseId, lessons: {}, completedCount: 0, lessonCount: null, percentComplete: null };
}
function cmp(a, b) {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}
function positionWins(e, l) {
  if (l.positionAt === void 0) return true;
  return (compareTime(e.occurredAt, l.positionAt) || cmp(e.id, l.positionEventId) || cmp(e.device, l.device) || cmp(e.positionSeconds, l.positionSeconds)) > 0;
}
function lastWins(e, c) {
  if (c.updatedAt === void 0) return true;
  return (compareTime(e.occurredAt, c.updatedAt) || cmp(e.id, c.lastEventId) || cmp(e.lessonId, c.lastLessonId) || cmp(e.device, c.lastDevice)) > 0;
}
function summarise(c) {
  c.completedCount = Object.values(c.lessons).filter((l) => l.completed).length;
  c.percentComplete = c.lessonCount === null ? null : Math.min(100, Math.round(c.completedCount * 1e4 / c.lessonCount) / 100);
  return c;
}
function clone(c) {
  return structuredClone(c);
}
function applyEvents(view, events) {
  if (events.length === 0) return view;
  const c = clone(view);
  for (const e of events) applyInPlace(c, e);
  return summarise(c);
}
function applyInPlace(c, e) {
  if (c.resetAt !== void 0 && compareTime(e.occurredAt, c.resetAt) <= 0) return;
  const at = canonicalTime(e.occurredAt);
  const l = c.lessons[e.lessonId] ?? { completed: false };
  if (e.type === "complete" && (!l.completed || l.completedAt === void 0 || compareTime(at, l.completedAt) < 0)) {
    l.completed = true;
    l.completedAt = at;
  }
  if (e.positionSeconds !== void 0 && positionWins({ ...e, occurredAt: at }, l)) {
    l.positionSeconds = e.positionSeconds;
    l.positionAt = at;
    l.positionEventId = e.id;
    l.device = e.device;
  }
  c.lessons[e.lessonId] = l;
  if (e.lessonCount !== void 0) c.lessonCount = Math.max(c.lessonCount ?? 0, e.lessonCount);
  if (lastWins({ ...e, occurredAt: at }, c)) {
    c.updatedAt = at;
    c.lastEventId = e.id;
    c.lastLessonId = e.lessonId;
    c.lastDevice = e.device;
  }
}

// src/store.ts
function byAge(a, b) {
  return a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0;
}
var key = (...parts) => parts.join("\0");
var MemoryStore = class {
  events = /* @__PURE__ */ new Map();
  views = /* @__PURE__ */ new Map();
  async put(events) {
    for (const q of events) this.events.set(key(q.userId, q.event.id), structuredClone(q));
  }
  async pending(userId) {
    return [...this.events.values()].filter((q) => q.userId === userId).map((q) => structuredClone(q)).sort(byAge);
  }
  async remove(userId, eventIds) {
    for (const id of eventIds) this.events.delete(key(userId, id));
  }
  async getView(userId, courseId) {
    const v = this.views.get(key(userId, courseId));
    return v === void 0 ? null : structuredClone(v);
  }
  async putView(userId, courseId, view) {
    if (view === null) this.views.delete(key(userId, courseId));
    else this.views.set(key(userId, courseId), structuredClone(view));
  }
};
var DB_VERSION = 1;
var EVENTS = "events";
var VIEWS = "views";
function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
function committed(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
  });
}
var IndexedDBStore = class {
  db;
  constructor(name = "progresskit", factory = indexedDB) {
    this.db = new Promise((resolve, reject) => {
      const req = factory.open(name, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        db.createObjectStore(EVENTS, { keyPath: "key" }).createIndex("user", "userId");
        db.createObjectStore(VIEWS, { keyPath: "key" });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  async tx(stores, mode) {
    return (await this.db).transaction(stores, mode);
  }
  async put(events) {
    const tx = await this.tx([EVENTS], "readwrite");
    const s = tx.objectStore(EVENTS);
    for (const q of events) s.put({ key: key(q.userId, q.event.id), ...q });
    await committed(tx);
  }
  async pending(userId) {
    const tx = await this.tx([EVENTS], "readonly");
    const rows = await done(tx.objectStore(EVENTS).index("user").getAll(userId));
    return rows.map(({ userId: userId2, courseId, event }) => ({ userId: userId2, courseId, event })).sort(byAge);
  }
  async remove(userId, eventIds) {
    const tx = await this.tx([EVENTS], "readwrite");
    const s = tx.objectStore(EVENTS);
    for (const id of eventIds) s.delete(key(userId, id));
    await committed(tx);
  }
  async getView(userId, courseId) {
    const tx = await this.tx([VIEWS], "readonly");
    const row = await done(tx.objectStore(VIEWS).get(key(userId, courseId)));
    return row?.view ?? null;
  }
  async putView(userId, courseId, view) {
    const tx = await this.tx([VIEWS], "readwrite");
    const s = tx.objectStore(VIEWS);
    if (view === null) s.delete(key(userId, courseId));
    else s.put({ key: key(userId, courseId), view });
    await committed(tx);
  }
};

// src/limits.ts
var MAX_BATCH = 500;
var MAX_POSITION_SECONDS = 604800;
var MAX_LESSON_COUNT = 1e4;
var MAX_CLOCK_SKEW_MS = 5 * 60 * 1e3;
var ID_PATTERN = /^[A-Za-z0-9._\-:@]{1,128}$/;
var ID_RULE = "must be 1 to 128 of A-Z a-z 0-9 . _ - : @";
var DEVICE_PATTERN = /^[a-z0-9\-]{1,32}$/;
var DEVICE_RULE = "must be 1 to 32 of a-z 0-9 -";

// node_modules/uuid/dist/stringify.js
var byteToHex = [];
for (let i = 0; i < 256; ++i) {
  byteToHex.push((i + 256).toString(16).slice(1));
}
function unsafeStringify(arr, offset = 0) {
  return (byteToHex[arr[offset + 0]] + byteToHex[arr[offset + 1]] + byteToHex[arr[offset + 2]] + byteToHex[arr[offset + 3]] + "-" + byteToHex[arr[offset + 4]] + byteToHex[arr[offset + 5]] + "-" + byteToHex[arr[offset + 6]] + byteToHex[arr[offset + 7]] + "-" + byteToHex[arr[offset + 8]] + byteToHex[arr[offset + 9]] + "-" + byteToHex[arr[offset + 10]] + byteToHex[arr[offset + 11]] + byteToHex[arr[offset + 12]] + byteToHex[arr[offset + 13]] + byteToHex[arr[offset + 14]] + byteToHex[arr[offset + 15]]).toLowerCase();
}

// node_modules/uuid/dist/rng.js
var rnds8 = new Uint8Array(16);
function rng() {
  return crypto.getRandomValues(rnds8);
}

// node_modules/uuid/dist/v7.js
var _state = {};
function v7(options, buf, offset) {
  let bytes;
  if (options) {
    bytes = v7Bytes(options.random ?? options.rng?.() ?? rng(), options.msecs, options.seq, buf, offset);
  } else {
    const now = Date.now();
    const rnds = rng();
    updateV7State(_state, now, rnds);
    bytes = v7Bytes(rnds, _state.msecs, _state.seq, buf, offset);
  }
  return buf ?? unsafeStringify(bytes);
}
function updateV7State(state, now, rnds) {
  state.msecs ??= -Infinity;
  state.seq ??= 0;
  if (now > state.msecs) {
    state.seq = v7Sequence(rnds);
    state.msecs = now;
  } else {
    state.seq = state.seq + 1 | 0;
    if (state.seq === 0) {
      state.msecs++;
    }
  }
  return state;
}
function v7Bytes(rnds, msecs, seq, buf, offset = 0) {
  if (rnds.length < 16) {
    throw new Error("Random bytes length must be >= 16");
  }
  if (!buf) {
    buf = new Uint8Array(16);
    offset = 0;
  } else {
    if (offset < 0 || offset + 16 > buf.length) {
      throw new RangeError(`UUID byte range ${offset}:${offset + 15} is out of buffer bounds`);
    }
  }
  msecs ??= Date.now();
  seq ??= v7Sequence(rnds);
  buf[offset++] = msecs / 1099511627776 & 255;
  buf[offset++] = msecs / 4294967296 & 255;
  buf[offset++] = msecs / 16777216 & 255;
  buf[offset++] = msecs / 65536 & 255;
  buf[offset++] = msecs / 256 & 255;
  buf[offset++] = msecs & 255;
  buf[offset++] = 112 | seq >>> 28 & 15;
  buf[offset++] = seq >>> 20 & 255;
  buf[offset++] = 128 | seq >>> 14 & 63;
  buf[offset++] = seq >>> 6 & 255;
  buf[offset++] = seq << 2 & 255 | rnds[10] & 3;
  buf[offset++] = rnds[11];
  buf[offset++] = rnds[12];
  buf[offset++] = rnds[13];
  buf[offset++] = rnds[14];
  buf[offset++] = rnds[15];
  return buf;
}
function v7Sequence(rnds) {
  return (rnds[6] & 127) << 24 | rnds[7] << 16 | rnds[8] << 8 | rnds[9];
}
var v7_default = v7;

// src/client.ts
var InvalidActivity = class extends TypeError {
  constructor(field, rule) {
    super(`${field}: ${rule}`);
    this.name = "InvalidActivity";
  }
};
function defaultStore() {
  return typeof indexedDB === "undefined" ? new MemoryStore() : new IndexedDBStore();
}
function defaultConnectivity() {
  return typeof globalThis.addEventListener === "function" ? globalThis : null;
}
var ProgressClient = class {
  api;
  userId;
  device;
  store;
  opts;
  backoff;
  batchSize;
  server = /* @__PURE__ */ new Map();
  // Counts the POST answers per course, so that a GET which started before
  // one cannot replace the newer view it carries.
  posted = /* @__PURE__ */ new Map();
  queue = [];
  loaded;
  listeners = /* @__PURE__ */ new Set();
  online;
  attempt = 0;
  timer;
  retryAt;
  lastError;
  syncing;
  rerun = false;
  connectivity;
  constructor(opts) {
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
    const apiOpts = { baseUrl: opts.baseUrl, token: opts.token, ...opts.fetch ? { fetch: opts.fetch } : {}, now: () => this.now() };
    this.api = new ProgressApi(opts.userId, apiOpts);
    this.loaded = this.store.pending(this.userId).then((q) => {
      this.queue = q;
    });
    this.connectivity = opts.autoSync === false ? null : opts.connectivity === void 0 ? defaultConnectivity() : opts.connectivity;
    this.connectivity?.addEventListener("online", this.networkBack);
  }
  networkBack = () => {
    if (!this.online || this.queue.length === 0) return;
    void (this.syncing ?? Promise.resolve()).then(() => {
      if (this.online && this.queue.length > 0) return this.sync();
      return void 0;
    });
  };
  now() {
    return (this.opts.now ?? Date.now)();
  }
  /** Calls fn on every change of a course, drop and status; returns the unsubscribe. */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  emit(e) {
    for (const fn of this.listeners) fn(e);
  }
  emitCourse(courseId) {
    if (this.listeners.size === 0) return;
    this.emit({ type: "change", courseId, view: this.view(courseId) });
  }
  /** The queue's state now. */
  status() {
    const s = { online: this.online, pending: this.queue.length };
    if (this.retryAt !== void 0) s.retryAt = this.retryAt;
    if (this.lastError !== void 0) s.error = this.lastError;
    return s;
  }
  emitStatus() {
    this.emit({ type: "status", status: this.status() });
  }
  /** Events not yet acknowledged, of one course or of all. */
  pending(courseId) {
    return this.queue.filter((q) => courseId === void 0 || q.courseId === courseId).map((q) => q.event);
  }
  /** The course as this device should show it: the last server view with the pending events applied. */
  view(courseId) {
    const base = this.server.get(courseId) ?? emptyCourse(this.userId, courseId);
    return applyEvents(base, this.pending(courseId));
  }
  /**
   * Reads the cached view and the queue from the store, then, when online,
   * the server's view. Resolves with the view to show.
   */
  async load(courseId) {
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
  async refresh(courseId) {
    const before = this.posted.get(courseId) ?? 0;
    const v = await this.api.getCourse(courseId);
    if ((this.posted.get(courseId) ?? 0) === before) await this.setServer(courseId, v);
    return this.view(courseId);
  }
  async setServer(courseId, v) {
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
  async record(courseId, a) {
    if (!ID_PATTERN.test(courseId)) throw new InvalidActivity("courseId", ID_RULE);
    if (!ID_PATTERN.test(a.lessonId)) throw new InvalidActivity("lessonId", ID_RULE);
    if (a.type !== "progress" && a.type !== "complete") throw new InvalidActivity("type", 'must be "progress" or "complete"');
    if (a.type === "progress" && a.positionSeconds === void 0) throw new InvalidActivity("positionSeconds", "is required on a progress event");
    const p = a.positionSeconds;
    if (p !== void 0 && !(Number.isFinite(p) && p >= 0 && p <= MAX_POSITION_SECONDS)) {
      throw new InvalidActivity("positionSeconds", `must be between 0 and ${MAX_POSITION_SECONDS}`);
    }
    const n = a.lessonCount;
    if (n !== void 0 && !(Number.isInteger(n) && n >= 1 && n <= MAX_LESSON_COUNT)) {
      throw new InvalidActivity("lessonCount", `must be a whole number from 1 to ${MAX_LESSON_COUNT}`);
    }
    const event = {
      id: (this.opts.newId ?? v7_default)(),
      lessonId: a.lessonId,
      type: a.type,
      occurredAt: new Date(this.now()).toISOString(),
      device: this.device,
      ...p !== void 0 ? { positionSeconds: p } : {},
      ...n !== void 0 ? { lessonCount: n } : {}
    };
    await this.loaded;
    const q = { userId: this.userId, courseId, event };
    await this.store.put([q]);
    this.queue.push(q);
    this.emitCourse(courseId);
    this.emitStatus();
    if (this.online && this.opts.autoSync !== false && this.retryAt === void 0) void this.sync();
    return event;
  }
  /** Holds events (false) or sends them (true), as a device's connectivity changes. */
  setOnline(online) {
    this.online = online;
    if (!online) this.cancelRetry();
    this.emitStatus();
    if (online && this.opts.autoSync !== false) void this.sync();
  }
  isOnline() {
    return this.online;
  }
  /**
   * Resets a course on the server: progress recorded before now, on any
   * device, is cleared and ignored when it arrives later. This device's
   * own queued events for the course occurred before the reset, so they
   * are discarded here too. Needs the network.
   */
  async reset(courseId) {
    await this.loaded;
    await this.api.resetCourse(courseId);
    const stale = this.queue.filter((q) => q.courseId === courseId);
    await this.store.remove(this.userId, stale.map((q) => q.event.id));
    this.queue = this.queue.filter((q) => q.courseId !== courseId);
    await this.refresh(courseId);
    this.emitStatus();
    return this.view(courseId);
  }
  cancelRetry() {
    if (this.timer !== void 0) (this.opts.clearTimer ?? clearTimeout)(this.timer);
    this.timer = void 0;
    this.retryAt = void 0;
  }
  /** Stops the retry timer and listening for the network; the queue stays in the store. */
  close() {
    this.cancelRetry();
    this.connectivity?.removeEventListener("online", this.networkBack);
    this.listeners.clear();
  }
  /**
   * Sends every queued event, course by course, in batches. Concurrent
   * calls share one run. On a failure worth retrying it stops and, with
   * autoSync, schedules the next try.
   */
  sync() {
    if (this.syncing !== void 0) {
      this.rerun = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      let r;
      do {
        this.rerun = false;
        r = await this.runSync();
      } while (this.rerun && this.lastError === void 0 && this.queue.length > 0);
      return r;
    })().finally(() => {
      this.syncing = void 0;
    });
    return this.syncing;
  }
  async runSync() {
    await this.loaded;
    const result = { sent: 0, dropped: [], pending: 0 };
    if (!this.online) {
      result.pending = this.queue.length;
      return result;
    }
    this.cancelRetry();
    try {
      while (this.queue.length > 0 && this.online) {
        const courseId = this.queue[0].courseId;
        const batch = this.queue.filter((q) => q.courseId === courseId).slice(0, this.batchSize);
        await this.send(courseId, batch, result);
      }
      this.attempt = 0;
      this.lastError = void 0;
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
            this.timer = void 0;
            this.retryAt = void 0;
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
  async send(courseId, batch, result) {
    const events = batch.map((q) => q.event);
    const minimal = events.every((e) => e.type === "progress");
    let view;
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
      const d = { courseId, event: batch[0].event, status: err.status, code: err.code, message: err.message };
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
  async acknowledge(batch) {
    const ids = new Set(batch.map((q) => q.event.id));
    await this.store.remove(this.userId, [...ids]);
    this.queue = this.queue.filter((q) => !ids.has(q.event.id));
  }
};

// ../demo/src/demo.ts
var COURSE = "intro-to-go";
var LESSONS = [
  { id: "lesson-1", title: "Hello, Go", seconds: 300 },
  { id: "lesson-2", title: "Types and values", seconds: 480 },
  { id: "lesson-3", title: "Functions", seconds: 420 },
  { id: "lesson-4", title: "Structs and methods", seconds: 540 },
  { id: "lesson-5", title: "Interfaces", seconds: 600 },
  { id: "lesson-6", title: "Errors", seconds: 360 },
  { id: "lesson-7", title: "Goroutines", seconds: 660 },
  { id: "lesson-8", title: "Channels", seconds: 600 }
];
var OFFLINE_KEY = "progresskit-demo-offline";
var params = new URLSearchParams(location.search);
var user = params.get("user") ?? "learner-1";
var pollMs = Number(params.get("poll") ?? 2e3);
var backoffMs = Number(params.get("backoff") ?? NaN);
var $ = (id) => document.getElementById(id);
var ui = {
  device: $("device"),
  offline: $("offline"),
  reset: $("reset"),
  sync: $("sync"),
  percent: $("percent"),
  resume: $("resume"),
  lastDevice: $("last-device"),
  title: $("lesson-title"),
  position: $("position"),
  positionLabel: $("position-label"),
  duration: $("duration"),
  complete: $("complete"),
  lessons: $("lessons"),
  message: $("message")
};
var client;
var selected = LESSONS[0].id;
var token = "";
function clock(seconds) {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
async function fetchToken() {
  const res = await fetch(`token?user=${encodeURIComponent(user)}`);
  if (!res.ok) throw new Error(`no demo token: HTTP ${res.status}`);
  return (await res.json()).token;
}
function resumePoint(v) {
  const i = LESSONS.findIndex((l) => l.id === v.lastLessonId);
  if (i < 0) return { id: LESSONS[0].id, seconds: 0 };
  const last = v.lessons[LESSONS[i].id];
  if (last?.completed && i + 1 < LESSONS.length) {
    const next = LESSONS[i + 1];
    return { id: next.id, seconds: v.lessons[next.id]?.positionSeconds ?? 0 };
  }
  return { id: LESSONS[i].id, seconds: last?.positionSeconds ?? 0 };
}
function syncText(s) {
  const waiting = s.pending === 1 ? "1 change waiting" : `${s.pending} changes waiting`;
  if (!s.online) return [`offline \xB7 ${waiting}`, "offline"];
  if (s.error?.disposition === "auth") return [`sign-in problem: ${s.error.message}`, "error"];
  if (s.retryAt !== void 0) return [`server unreachable, retrying in ${Math.max(0, Math.ceil((s.retryAt - Date.now()) / 1e3))} s \xB7 ${waiting}`, "error"];
  if (s.pending > 0) return [`sending \xB7 ${waiting}`, ""];
  return ["synced", ""];
}
function render() {
  const v = client.view(COURSE);
  const [text, cls] = syncText(client.status());
  ui.sync.textContent = text;
  ui.sync.className = `sync ${cls}`;
  ui.percent.textContent = `${v.percentComplete ?? 0}%`;
  const r = resumePoint(v);
  const rl = LESSONS.find((l) => l.id === r.id);
  ui.resume.textContent = `${rl.title} \xB7 ${clock(r.seconds)}`;
  ui.resume.dataset["lesson"] = r.id;
  ui.lastDevice.textContent = v.lastDevice ?? "\u2013";
  ui.lessons.replaceChildren(
    ...LESSONS.map((l, i) => {
      const state = v.lessons[l.id];
      const li = document.createElement("li");
      li.dataset["lesson"] = l.id;
      li.dataset["completed"] = String(state?.completed ?? false);
      li.dataset["position"] = String(state?.positionSeconds ?? 0);
      li.className = l.id === selected ? "selected" : "";
      const name = document.createElement("span");
      name.textContent = `${i + 1}. ${l.title}`;
      const s = document.createElement("span");
      s.className = "state";
      s.textContent = state?.completed ? "\u2713 done" : state?.positionSeconds !== void 0 ? `at ${clock(state.positionSeconds)}` : "not started";
      li.append(name, s);
      li.addEventListener("click", () => select(l.id));
      return li;
    })
  );
  const lesson = LESSONS.find((l) => l.id === selected);
  ui.title.textContent = lesson.title;
  ui.position.max = String(lesson.seconds);
  ui.duration.textContent = clock(lesson.seconds);
  if (document.activeElement !== ui.position) {
    ui.position.value = String(v.lessons[selected]?.positionSeconds ?? 0);
  }
  ui.positionLabel.textContent = clock(Number(ui.position.value));
  ui.complete.disabled = v.lessons[selected]?.completed ?? false;
}
function select(id) {
  selected = id;
  render();
}
function show(err) {
  ui.message.textContent = err instanceof Error ? err.message : String(err);
}
function connect(device) {
  client?.close();
  client = new ProgressClient({
    baseUrl: "",
    userId: user,
    device,
    token: () => token,
    online: localStorage.getItem(OFFLINE_KEY) !== "true",
    ...backoffMs > 0 ? { backoff: { baseMs: backoffMs } } : {}
  });
  client.subscribe((e) => {
    if (e.type === "dropped") show(`the server refused a change for good: ${e.dropped.message}`);
    render();
  });
  client.load(COURSE).then(render, show);
}
async function main() {
  token = await fetchToken();
  const device = params.get("device") ?? "web";
  ui.device.value = device;
  ui.offline.checked = localStorage.getItem(OFFLINE_KEY) === "true";
  connect(device);
  ui.device.addEventListener("change", () => {
    params.set("device", ui.device.value);
    history.replaceState(null, "", `?${params}`);
    connect(ui.device.value);
  });
  ui.offline.addEventListener("change", () => {
    localStorage.setItem(OFFLINE_KEY, String(ui.offline.checked));
    client.setOnline(!ui.offline.checked);
    if (!ui.offline.checked) client.refresh(COURSE).catch(() => {
    });
  });
  ui.position.addEventListener("input", () => {
    ui.positionLabel.textContent = clock(Number(ui.position.value));
  });
  ui.position.addEventListener("change", () => {
    client.record(COURSE, { lessonId: selected, type: "progress", positionSeconds: Number(ui.position.value), lessonCount: LESSONS.length }).catch(show);
  });
  ui.complete.addEventListener("click", () => {
    client.record(COURSE, { lessonId: selected, type: "complete", lessonCount: LESSONS.length }).catch(show);
  });
  ui.reset.addEventListener("click", () => {
    ui.message.textContent = "";
    if (!client.isOnline()) return show("reset needs the server: go online first");
    client.reset(COURSE).then(render, show);
  });
  setInterval(() => {
    if (client.isOnline() && client.pending().length === 0) client.refresh(COURSE).catch(() => {
    });
    else render();
  }, pollMs);
  Object.assign(window, { progressDemo: { view: () => client.view(COURSE), status: () => client.status() } });
}
main().catch(show);
