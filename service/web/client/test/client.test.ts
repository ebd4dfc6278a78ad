import { test } from "node:test";
import assert from "node:assert/strict";
import { ProgressClient, InvalidActivity, type ClientOptions, type ClientEvent } from "../src/client.js";
import { MemoryStore } from "../src/store.js";
import { FakeServer } from "./fakeserver.js";

const COURSE = "go-101";

function client(server: FakeServer, extra: Partial<ClientOptions> = {}): ProgressClient {
  let n = 0;
  return new ProgressClient({
    baseUrl: "http://progress.test",
    userId: "ada",
    device: "web",
    token: () => "token",
    fetch: server.fetch,
    store: new MemoryStore(),
    autoSync: false,
    random: () => 0,
    newId: () => `e-${String(++n).padStart(6, "0")}`,
    ...extra,
  });
}

test("an event shows at once offline, is held, and is sent when online", async () => {
  const server = new FakeServer();
  const c = client(server, { online: false });
  await c.record(COURSE, { lessonId: "l1", type: "progress", positionSeconds: 42, lessonCount: 8 });
  assert.equal(c.view(COURSE).lessons["l1"]?.positionSeconds, 42);
  assert.equal((await c.sync()).pending, 1);
  assert.equal(server.posts.length, 0, "sent while offline");
  c.setOnline(true);
  const r = await c.sync();
  assert.deepEqual([r.sent, r.pending], [1, 0]);
  assert.deepEqual(c.view(COURSE), server.courses.get(COURSE), "the server's answer replaces the local state");
});

test("events go in batches of at most 500, all of them exactly once", async () => {
  const server = new FakeServer();
  const c = client(server, { online: false });
  for (let i = 0; i < 1201; i++) await c.record(COURSE, { lessonId: `l${i % 50}`, type: "progress", positionSeconds: i });
  c.setOnline(true);
  await c.sync();
  assert.deepEqual(server.posts.map((p) => p.ids.length), [500, 500, 201]);
  assert.equal(new Set(server.accepted()).size, 1201);
  assert.equal(c.pending().length, 0);
});

test("a failing server: 503 with Retry-After holds the events and waits at least that long", async () => {
  const server = new FakeServer();
  const c = client(server);
  server.fail({ status: 503, headers: { "Retry-After": "2" } });
  await c.record(COURSE, { lessonId: "l1", type: "complete" });
  const r = await c.sync();
  assert.equal(r.pending, 1);
  assert.ok(r.retryInMs !== undefined && r.retryInMs >= 2000, `retry in ${r.retryInMs}`);
  assert.equal(c.status().error?.status, 503);
  const again = await c.sync();
  assert.deepEqual([again.sent, again.pending, c.status().error], [1, 0, undefined]);
});

test("network errors and 429 back off exponentially, and success resets the backoff", async () => {
  const server = new FakeServer();
  const c = client(server, { backoff: { baseMs: 100, maxMs: 1000 } });
  await c.record(COURSE, { lessonId: "l1", type: "complete" });
  const delays: (number | undefined)[] = [];
  for (const f of ["network", { status: 429 }, { status: 502 }, "network", "network", "network"] as const) {
    server.fail(f);
    delays.push((await c.sync()).retryInMs);
  }
  assert.deepEqual(delays, [50, 100, 200, 400, 500, 500]);
  assert.equal((await c.sync()).sent, 1);
  server.fail("network");
  await c.record(COURSE, { lessonId: "l2", type: "complete" });
  assert.equal((await c.sync()).retryInMs, 50);
});

test("a 4xx that can never succeed drops only the event at fault, and says why", async () => {
  const server = new FakeServer();
  server.refuseLessons.add("bad");
  const c = client(server, { online: false });
  const dropped: ClientEvent[] = [];
  c.subscribe((e) => e.type === "dropped" && dropped.push(e));
  for (const lesson of ["l1", "l2", "bad", "l4", "l5"]) await c.record(COURSE, { lessonId: lesson, type: "complete" });
  c.setOnline(true);
  const r = await c.sync();
  assert.equal(r.sent, 4);
  assert.equal(r.dropped.length, 1);
  assert.equal(r.dropped[0]?.event.lessonId, "bad");
  assert.equal(r.dropped[0]?.status, 400);
  assert.match(r.dropped[0]?.message ?? "", /lessonId: refused/);
  assert.equal(dropped.length, 1);
  assert.deepEqual(Object.keys(server.courses.get(COURSE)!.lessons).sort(), ["l1", "l2", "l4", "l5"]);
  assert.equal(c.pending().length, 0);
});

test("401 and 403 keep the events: the token is wrong, not the progress", async () => {
  const server = new FakeServer();
  const c = client(server);
  await c.record(COURSE, { lessonId: "l1", type: "complete" });
  for (const status of [401, 403]) {
    server.fail({ status, code: status === 401 ? "unauthorized" : "forbidden" });
    const r = await c.sync();
    assert.deepEqual([r.sent, r.dropped.length, r.pending, r.retryInMs], [0, 0, 1, undefined]);
    assert.equal(c.status().error?.disposition, "auth");
  }
  assert.equal((await c.sync()).sent, 1);
});

test("the queue survives a restart, and what was acknowledged is not sent again", async () => {
  const server = new FakeServer();
  const store = new MemoryStore();
  const first = client(server, { store, online: false });
  await first.record(COURSE, { lessonId: "l1", type: "progress", positionSeconds: 10 });
  await first.record(COURSE, { lessonId: "l2", type: "complete" });
  first.close();

  let n = 100;
  const second = client(server, { store, newId: () => `e-${++n}` });
  const view = await second.load(COURSE);
  assert.equal(second.pending(COURSE).length, 2, "the queue was lost");
  assert.equal(view.completedCount, 1);
  await second.sync();
  assert.deepEqual(server.accepted().sort(), ["e-000001", "e-000002"]);
  second.close();

  const third = client(server, { store });
  await third.load(COURSE);
  assert.equal(third.pending().length, 0);
  await third.sync();
  assert.equal(server.posts.length, 1, "an acknowledged event was sent twice");
});

test("the cached server view shows offline after a restart", async () => {
  const server = new FakeServer();
  const store = new MemoryStore();
  const a = client(server, { store });
  await a.record(COURSE, { lessonId: "l1", type: "complete", lessonCount: 4 });
  await a.sync();
  const b = client(server, { store, online: false });
  assert.equal((await b.load(COURSE)).percentComplete, 25);
});

test("with autoSync, a failure schedules the retry and the timer sends", async () => {
  const server = new FakeServer();
  const timers: { fn: () => void; ms: number }[] = [];
  const c = client(server, {
    autoSync: true,
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
  });
  server.fail({ status: 503, headers: { "Retry-After": "1" } });
  await c.record(COURSE, { lessonId: "l1", type: "complete" });
  await c.sync();
  assert.equal(timers.length, 1);
  assert.ok(timers[0]!.ms >= 1000);
  timers[0]!.fn();
  await c.sync();
  assert.equal(server.accepted().length, 1);
});

test("a reset clears the course and discards this device's queued events for it", async () => {
  const server = new FakeServer();
  const c = client(server, { online: false });
  await c.record(COURSE, { lessonId: "l1", type: "complete" });
  await c.record("other", { lessonId: "l1", type: "complete" });
  c.setOnline(true);
  const view = await c.reset(COURSE);
  assert.deepEqual([view.completedCount, Object.keys(view.lessons).length], [0, 0]);
  assert.deepEqual(c.pending().map((e) => e.lessonId), ["l1"]);
  assert.equal(c.pending("other").length, 1);
});

test("activity the server would refuse is an error and queues nothing", async () => {
  const c = client(new FakeServer(), { online: false });
  const bad = [
    { lessonId: "", type: "complete" },
    { lessonId: "l/1", type: "complete" },
    { lessonId: "l1", type: "progress" },
    { lessonId: "l1", type: "progress", positionSeconds: -1 },
    { lessonId: "l1", type: "progress", positionSeconds: 604801 },
    { lessonId: "l1", type: "complete", lessonCount: 0 },
    { lessonId: "l1", type: "watched" },
  ];
  for (const a of bad) await assert.rejects(c.record(COURSE, a as never), InvalidActivity, JSON.stringify(a));
  assert.equal(c.pending().length, 0);
  assert.throws(() => client(new FakeServer(), { device: "Web Browser" }), InvalidActivity);
  assert.throws(() => client(new FakeServer(), { batchSize: 501 }), InvalidActivity);
});

test("a learner's queue is not another learner's", async () => {
  const server = new FakeServer();
  const store = new MemoryStore();
  const ada = client(server, { store, online: false });
  await ada.record(COURSE, { lessonId: "l1", type: "complete" });
  const bob = client(server, { store, userId: "bob", online: false });
  await bob.load(COURSE);
  assert.equal(bob.pending().length, 0);
});

// Backoff grows while the network is down, to a minute; the runtime's
// "online" event says when it is back, and the queue goes then.
test("with autoSync, the network's return sends the queue at once, not at the next backoff retry", async () => {
  const server = new FakeServer();
  const network = new EventTarget();
  type Timer = { fn: () => void; ms: number; cleared: boolean };
  const timers: Timer[] = [];
  const c = client(server, {
    autoSync: true,
    connectivity: network,
    setTimer: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => {
      (h as Timer).cleared = true;
    },
  });
  const sent = new Promise<void>((resolve) =>
    c.subscribe((e) => e.type === "status" && e.status.pending === 0 && e.status.error === undefined && resolve()),
  );
  server.fail("network", 3);
  await c.record(COURSE, { lessonId: "l1", type: "complete" });
  await c.sync(); // the run record() started: it fails and schedules a retry
  for (let i = 0; i < 2; i++) {
    timers.at(-1)!.fn();
    await c.sync();
  }
  assert.equal(timers.length, 3);
  assert.equal(server.accepted().length, 0);
  const waiting = timers.at(-1)!;
  assert.equal(c.status().pending, 1);

  network.dispatchEvent(new Event("online"));
  await within(2000, sent, "the queue was not sent when the network came back");
  assert.deepEqual(server.accepted(), ["e-000001"]);
  assert.ok(waiting.cleared, "the backoff retry is still scheduled");
  assert.equal(c.status().retryAt, undefined);
});

test("the network's return sends nothing while the app holds events", async () => {
  const server = new FakeServer();
  const network = new EventTarget();
  const c = client(server, { autoSync: true, connectivity: network, online: false });
  await c.record(COURSE, { lessonId: "l1", type: "complete" });
  network.dispatchEvent(new Event("online"));
  assert.equal((await c.sync()).pending, 1);
  assert.equal(server.posts.length, 0, "sent while the app holds events");
});

test("the client listens for the network's return only with autoSync, and stops on close()", () => {
  const listening = new Set<unknown>();
  const network = {
    addEventListener: (type: string, fn: unknown) => type === "online" && listening.add(fn),
    removeEventListener: (type: string, fn: unknown) => type === "online" && listening.delete(fn),
  } as unknown as EventTarget;
  client(new FakeServer(), { connectivity: network });
  assert.equal(listening.size, 0, "listening without autoSync");
  const c = client(new FakeServer(), { autoSync: true, connectivity: network });
  assert.equal(listening.size, 1);
  c.close();
  assert.equal(listening.size, 0, "still listening after close()");
});

function within<T>(ms: number, p: Promise<T>, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

test("heartbeats ask for the acknowledgement alone; a completion asks for the merged course", async () => {
  const server = new FakeServer();
  const other = client(server, { device: "phone", newId: () => "phone-1" });
  await other.record(COURSE, { lessonId: "l9", type: "complete" });
  await other.sync();
  const c = client(server);
  for (const s of [10, 20, 30]) await c.record(COURSE, { lessonId: "l1", type: "progress", positionSeconds: s, lessonCount: 10 });
  await c.sync();
  assert.deepEqual(server.posts.slice(1).map((p) => p.minimal), [true], "a batch of positions asks for the acknowledgement alone");
  assert.equal(c.pending().length, 0);
  assert.equal(c.view(COURSE).lessons["l1"]?.positionSeconds, 30, "the client applies acknowledged heartbeats itself");
  assert.equal(c.view(COURSE).lessons["l9"], undefined, "without an answer, the other device's progress is not known yet");
  await c.record(COURSE, { lessonId: "l1", type: "complete" });
  await c.sync();
  assert.equal(server.posts.at(-1)?.minimal, false, "a completion asks for the merged course");
  assert.deepEqual(c.view(COURSE), server.courses.get(COURSE), "the answer brings the other device's progress");
});

test("refresh() fetches what other devices did after heartbeats were acknowledged alone", async () => {
  const server = new FakeServer();
  const c = client(server);
  await c.record(COURSE, { lessonId: "l1", type: "progress", positionSeconds: 5 });
  await c.sync();
  const other = client(server, { device: "phone", newId: () => "phone-1" });
  await other.record(COURSE, { lessonId: "l2", type: "progress", positionSeconds: 7 });
  await other.sync();
  assert.equal(c.view(COURSE).lessons["l2"], undefined);
  await c.refresh(COURSE);
  assert.deepEqual(c.view(COURSE), server.courses.get(COURSE));
});
