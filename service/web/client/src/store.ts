// Where the client keeps what must survive a reload: events the server has
// not acknowledged, and the last server view of each course (so progress
// shows offline). Keys include the user, so two learners sharing a browser
// never see each other's queue.
import type { Course, ProgressEvent } from "./types.js";

/** An event waiting for the server, with the course it belongs to. */
export interface QueuedEvent {
  userId: string;
  courseId: string;
  event: ProgressEvent;
}

/** Durable storage for the queue and the cached views. */
export interface QueueStore {
  /** Adds or replaces events (by event id). */
  put(events: QueuedEvent[]): Promise<void>;
  /** The user's queued events, oldest first. */
  pending(userId: string): Promise<QueuedEvent[]>;
  /** Removes events by id; unknown ids are ignored. */
  remove(userId: string, eventIds: string[]): Promise<void>;
  /** The cached server view of a course, or null. */
  getView(userId: string, courseId: string): Promise<Course | null>;
  putView(userId: string, courseId: string, view: Course | null): Promise<void>;
}

function byAge(a: QueuedEvent, b: QueuedEvent): number {
  // UUIDv7 ids grow with creation time, so they order a device's events.
  return a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0;
}

const key = (...parts: string[]) => parts.join("\u0000");

/**
 * A store in memory: durable only as long as the object lives. Pass the
 * same instance to a new client to model a restart in tests, or implement
 * QueueStore over a file or a database elsewhere.
 */
export class MemoryStore implements QueueStore {
  private readonly events = new Map<string, QueuedEvent>();
  private readonly views = new Map<string, Course>();

  async put(events: QueuedEvent[]): Promise<void> {
    for (const q of events) this.events.set(key(q.userId, q.event.id), structuredClone(q));
  }
  async pending(userId: string): Promise<QueuedEvent[]> {
    return [...this.events.values()].filter((q) => q.userId === userId).map((q) => structuredClone(q)).sort(byAge);
  }
  async remove(userId: string, eventIds: string[]): Promise<void> {
    for (const id of eventIds) this.events.delete(key(userId, id));
  }
  async getView(userId: string, courseId: string): Promise<Course | null> {
    const v = this.views.get(key(userId, courseId));
    return v === undefined ? null : structuredClone(v);
  }
  async putView(userId: string, courseId: string, view: Course | null): Promise<void> {
    if (view === null) this.views.delete(key(userId, courseId));
    else this.views.set(key(userId, courseId), structuredClone(view));
  }
}

const DB_VERSION = 1;
const EVENTS = "events";
const VIEWS = "views";

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
  });
}

/**
 * The browser's store: IndexedDB. A write resolves only when its
 * transaction has committed, so an event the client has accepted is on
 * disk before record() returns.
 */
export class IndexedDBStore implements QueueStore {
  private readonly db: Promise<IDBDatabase>;

  constructor(name = "progresskit", factory: IDBFactory = indexedDB) {
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

  private async tx(stores: string[], mode: IDBTransactionMode): Promise<IDBTransaction> {
    return (await this.db).transaction(stores, mode);
  }

  async put(events: QueuedEvent[]): Promise<void> {
    const tx = await this.tx([EVENTS], "readwrite");
    const s = tx.objectStore(EVENTS);
    for (const q of events) s.put({ key: key(q.userId, q.event.id), ...q });
    await committed(tx);
  }
  async pending(userId: string): Promise<QueuedEvent[]> {
    const tx = await this.tx([EVENTS], "readonly");
    const rows = (await done(tx.objectStore(EVENTS).index("user").getAll(userId))) as (QueuedEvent & { key: string })[];
    return rows.map(({ userId, courseId, event }) => ({ userId, courseId, event })).sort(byAge);
  }
  async remove(userId: string, eventIds: string[]): Promise<void> {
    const tx = await this.tx([EVENTS], "readwrite");
    const s = tx.objectStore(EVENTS);
    for (const id of eventIds) s.delete(key(userId, id));
    await committed(tx);
  }
  async getView(userId: string, courseId: string): Promise<Course | null> {
    const tx = await this.tx([VIEWS], "readonly");
    const row = (await done(tx.objectStore(VIEWS).get(key(userId, courseId)))) as { view: Course } | undefined;
    return row?.view ?? null;
  }
  async putView(userId: string, courseId: string, view: Course | null): Promise<void> {
    const tx = await this.tx([VIEWS], "readwrite");
    const s = tx.objectStore(VIEWS);
    if (view === null) s.delete(key(userId, courseId));
    else s.put({ key: key(userId, courseId), view });
    await committed(tx);
  }
}
