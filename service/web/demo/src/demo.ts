// The course-player demo: one learner, this browser as one device. Open it
// in two windows (or two browsers), pick a device in each, go offline in
// one, and watch progress converge.
import { ProgressClient, type Course, type SyncStatus } from "../../client/src/index.js";

const COURSE = "intro-to-go";
const LESSONS = [
  { id: "lesson-1", title: "Hello, Go", seconds: 300 },
  { id: "lesson-2", title: "Types and values", seconds: 480 },
  { id: "lesson-3", title: "Functions", seconds: 420 },
  { id: "lesson-4", title: "Structs and methods", seconds: 540 },
  { id: "lesson-5", title: "Interfaces", seconds: 600 },
  { id: "lesson-6", title: "Errors", seconds: 360 },
  { id: "lesson-7", title: "Goroutines", seconds: 660 },
  { id: "lesson-8", title: "Channels", seconds: 600 },
] as const;
const OFFLINE_KEY = "progresskit-demo-offline";

const params = new URLSearchParams(location.search);
const user = params.get("user") ?? "learner-1";
const pollMs = Number(params.get("poll") ?? 2000);
// For tests: the first retry's ceiling in ms (the client's backoff.baseMs),
// e.g. to put the timer's retry out of a test's reach.
const backoffMs = Number(params.get("backoff") ?? NaN);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  device: $<HTMLSelectElement>("device"),
  offline: $<HTMLInputElement>("offline"),
  reset: $<HTMLButtonElement>("reset"),
  sync: $("sync"),
  percent: $("percent"),
  resume: $("resume"),
  lastDevice: $("last-device"),
  title: $("lesson-title"),
  position: $<HTMLInputElement>("position"),
  positionLabel: $<HTMLOutputElement>("position-label"),
  duration: $("duration"),
  complete: $<HTMLButtonElement>("complete"),
  lessons: $<HTMLOListElement>("lessons"),
  message: $("message"),
};

let client: ProgressClient;
let selected: string = LESSONS[0].id;
let token = "";

function clock(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

async function fetchToken(): Promise<string> {
  const res = await fetch(`token?user=${encodeURIComponent(user)}`);
  if (!res.ok) throw new Error(`no demo token: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

// The resume point: the lesson of the latest change, or the next one when
// that lesson is complete.
function resumePoint(v: Course): { id: string; seconds: number } {
  const i = LESSONS.findIndex((l) => l.id === v.lastLessonId);
  if (i < 0) return { id: LESSONS[0].id, seconds: 0 };
  const last = v.lessons[LESSONS[i]!.id];
  if (last?.completed && i + 1 < LESSONS.length) {
    const next = LESSONS[i + 1]!;
    return { id: next.id, seconds: v.lessons[next.id]?.positionSeconds ?? 0 };
  }
  return { id: LESSONS[i]!.id, seconds: last?.positionSeconds ?? 0 };
}

function syncText(s: SyncStatus): [string, string] {
  const waiting = s.pending === 1 ? "1 change waiting" : `${s.pending} changes waiting`;
  if (!s.online) return [`offline · ${waiting}`, "offline"];
  if (s.error?.disposition === "auth") return [`sign-in problem: ${s.error.message}`, "error"];
  if (s.retryAt !== undefined) return [`server unreachable, retrying in ${Math.max(0, Math.ceil((s.retryAt - Date.now()) / 1000))} s · ${waiting}`, "error"];
  if (s.pending > 0) return [`sending · ${waiting}`, ""];
  return ["synced", ""];
}

function render(): void {
  const v = client.view(COURSE);
  const [text, cls] = syncText(client.status());
  ui.sync.textContent = text;
  ui.sync.className = `sync ${cls}`;
  ui.percent.textContent = `${v.percentComplete ?? 0}%`;
  const r = resumePoint(v);
  const rl = LESSONS.find((l) => l.id === r.id)!;
  ui.resume.textContent = `${rl.title} · ${clock(r.seconds)}`;
  ui.resume.dataset["lesson"] = r.id;
  ui.lastDevice.textContent = v.lastDevice ?? "–";
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
      s.textContent = state?.completed ? "✓ done" : state?.positionSeconds !== undefined ? `at ${clock(state.positionSeconds)}` : "not started";
      li.append(name, s);
      li.addEventListener("click", () => select(l.id));
      return li;
    }),
  );
  const lesson = LESSONS.find((l) => l.id === selected)!;
  ui.title.textContent = lesson.title;
  ui.position.max = String(lesson.seconds);
  ui.duration.textContent = clock(lesson.seconds);
  if (document.activeElement !== ui.position) {
    ui.position.value = String(v.lessons[selected]?.positionSeconds ?? 0);
  }
  ui.positionLabel.textContent = clock(Number(ui.position.value));
  ui.complete.disabled = v.lessons[selected]?.completed ?? false;
}

function select(id: string): void {
  selected = id;
  render();
}

function show(err: unknown): void {
  ui.message.textContent = err instanceof Error ? err.message : String(err);
}

function connect(device: string): void {
  client?.close();
  client = new ProgressClient({
    baseUrl: "",
    userId: user,
    device,
    token: () => token,
    online: localStorage.getItem(OFFLINE_KEY) !== "true",
    ...(backoffMs > 0 ? { backoff: { baseMs: backoffMs } } : {}),
  });
  client.subscribe((e) => {
    if (e.type === "dropped") show(`the server refused a change for good: ${e.dropped.message}`);
    render();
  });
  client.load(COURSE).then(render, show);
}

async function main(): Promise<void> {
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
    if (!ui.offline.checked) client.refresh(COURSE).catch(() => {});
  });
  ui.position.addEventListener("input", () => {
    ui.positionLabel.textContent = clock(Number(ui.position.value));
  });
  ui.position.addEventListener("change", () => {
    client
      .record(COURSE, { lessonId: selected, type: "progress", positionSeconds: Number(ui.position.value), lessonCount: LESSONS.length })
      .catch(show);
  });
  ui.complete.addEventListener("click", () => {
    client.record(COURSE, { lessonId: selected, type: "complete", lessonCount: LESSONS.length }).catch(show);
  });
  ui.reset.addEventListener("click", () => {
    ui.message.textContent = "";
    if (!client.isOnline()) return show("reset needs the server: go online first");
    client.reset(COURSE).then(render, show);
  });
  // Another device's changes arrive by polling while this one is idle.
  setInterval(() => {
    if (client.isOnline() && client.pending().length === 0) client.refresh(COURSE).catch(() => {});
    else render();
  }, pollMs);
  // For tests and the curious: the state this page shows.
  Object.assign(window, { progressDemo: { view: () => client.view(COURSE), status: () => client.status() } });
}

main().catch(show);
