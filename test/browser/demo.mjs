// The demo in a real browser: two browser contexts are two devices of one
// learner, one of them offline for a while, first by its Offline box and
// then by losing its network (Playwright's context.setOffline). Run by TestDemoInABrowser
// (test/demo_test.go), which starts the server; alone:
//   DEMO_URL=http://127.0.0.1:8080 CHROMIUM=/usr/bin/chromium node test/browser/demo.mjs
// Prints each step on stderr; exits non-zero on the first failed check.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";

const base = process.env.DEMO_URL ?? "http://127.0.0.1:8080";
const user = process.env.DEMO_USER ?? "learner-1";
const screenshot = process.env.DEMO_SCREENSHOT;
const TIMEOUT = 20_000;

const step = (s) => console.error(`demo: ${s}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  // Root in CI has no user namespaces for Chromium's sandbox.
  args: ["--no-sandbox"],
});
try {
  await run();
} finally {
  await browser.close();
}

async function device(name, query = "") {
  const context = await browser.newContext({ viewport: { width: 460, height: 820 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on("pageerror", (err) => console.error(`demo: page error on ${name}: ${err.message}`));
  await page.goto(`${base}/demo/?device=${name}&user=${user}&poll=250${query}`);
  await waitText(page, "sync", "synced");
  return page;
}

async function waitText(page, testid, want) {
  try {
    await page.waitForFunction(
      ([id, text]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.includes(text),
      [testid, want],
      { timeout: TIMEOUT },
    );
  } catch (err) {
    const got = await page.getByTestId(testid).textContent();
    throw new Error(`${testid}: waited for ${JSON.stringify(want)}, shows ${JSON.stringify(got)}`, { cause: err });
  }
}

async function lesson(page, id) {
  const li = page.locator(`li[data-lesson="${id}"]`);
  return { completed: (await li.getAttribute("data-completed")) === "true", position: Number(await li.getAttribute("data-position")) };
}

async function watch(page, id, seconds) {
  await page.locator(`li[data-lesson="${id}"]`).click();
  await page.getByTestId("position").fill(String(seconds));
  await page.waitForFunction(
    ([id, s]) => document.querySelector(`li[data-lesson="${id}"]`)?.getAttribute("data-position") === String(s),
    [id, seconds],
  );
}

async function serverCourse() {
  const { token } = await (await fetch(`${base}/demo/token?user=${user}`)).json();
  const res = await fetch(`${base}/v1/users/${user}/courses/intro-to-go`, { headers: { Authorization: `Bearer ${token}` } });
  return res.status === 404 ? null : res.json();
}

function pageView(page) {
  return page.evaluate(() => window.progressDemo.view());
}

async function run() {
  // A's retry timer waits 30 s to 60 s after a first failure, beyond every
  // wait here: in step 5 only the network's return can make A send in time.
  const a = await device("web", "&backoff=60000");
  const b = await device("phone");

  step("1. A goes offline and watches lessons 1 and 2");
  await a.getByTestId("offline").check();
  await watch(a, "lesson-1", 120);
  await watch(a, "lesson-2", 45);
  await waitText(a, "sync", "offline · 2 changes waiting");
  assert.equal(await serverCourse(), null, "the server got A's events while A was offline");

  step("   A reloads while offline: the queue is in IndexedDB");
  await a.reload();
  await waitText(a, "sync", "offline · 2 changes waiting");
  assert.deepEqual(await lesson(a, "lesson-1"), { completed: false, position: 120 });
  assert.deepEqual(await lesson(a, "lesson-2"), { completed: false, position: 45 });

  step("2. B completes lesson 3");
  await b.locator('li[data-lesson="lesson-3"]').click();
  await b.getByTestId("complete").click();
  await waitText(b, "sync", "synced");
  await waitText(b, "percent", "12.5%");

  step("3. A comes back online");
  await a.getByTestId("offline").uncheck();
  await waitText(a, "sync", "synced");

  step("4. both show lessons 1 to 3 merged, and so does the server");
  for (const [name, page] of [["A", a], ["B", b]]) {
    await waitText(page, "percent", "12.5%");
    await page.waitForFunction(() => document.querySelector('li[data-lesson="lesson-1"]')?.getAttribute("data-position") === "120");
    assert.deepEqual(await lesson(page, "lesson-1"), { completed: false, position: 120 }, name);
    assert.deepEqual(await lesson(page, "lesson-2"), { completed: false, position: 45 }, name);
    assert.deepEqual(await lesson(page, "lesson-3"), { completed: true, position: 0 }, name);
    await waitText(page, "resume", "Structs and methods · 0:00");
    await waitText(page, "last-device", "phone");
  }
  const server = await serverCourse();
  assert.equal(server.percentComplete, 12.5);
  assert.deepEqual(await pageView(a), server, "A's state is not the server's");
  assert.deepEqual(await pageView(b), server, "B's state is not the server's");
  if (screenshot) await sideBySide(a, b, screenshot);

  step("5. A's network goes down (the Offline box stays unticked) while it records; B carries on");
  const net = a.context();
  await net.setOffline(true);
  await watch(a, "lesson-5", 200);
  await a.locator('li[data-lesson="lesson-6"]').click();
  await a.getByTestId("complete").click();
  await a.waitForFunction(() => document.querySelector('li[data-lesson="lesson-6"]')?.getAttribute("data-completed") === "true");
  assert.equal(await a.getByTestId("offline").isChecked(), false, "the Offline box was ticked");
  // A real network error (status 0), not the client told to hold events.
  await a.waitForFunction(() => {
    const s = window.progressDemo.status();
    return s.online && s.pending === 2 && s.error?.status === 0 && s.retryAt !== undefined;
  });
  await waitText(a, "sync", "server unreachable");
  await waitText(a, "sync", "2 changes waiting");
  const retryAt = (await a.evaluate(() => window.progressDemo.status())).retryAt;
  await b.locator('li[data-lesson="lesson-7"]').click();
  await b.getByTestId("complete").click();
  // The page shows "synced" until the click's event is queued, and the new
  // percentage from then on: "synced" after it means the server has it.
  await waitText(b, "percent", "25%");
  await waitText(b, "sync", "synced");
  const partial = await serverCourse();
  assert.equal(partial.lessons["lesson-7"]?.completed, true);
  assert.equal(partial.lessons["lesson-5"], undefined, "the server got A's events while A's network was down");
  assert.equal(partial.lessons["lesson-6"], undefined, "the server got A's events while A's network was down");

  step("   A's network comes back: A sends its queue by itself, with no click and before its retry timer");
  await net.setOffline(false);
  const back = Date.now();
  await waitText(a, "sync", "synced");
  const syncedAt = await a.evaluate(() => Date.now());
  assert.ok(syncedAt < retryAt, `A sent its queue at ${syncedAt}, not before its backoff retry at ${retryAt}`);
  step(`   A synced ${Date.now() - back} ms after the network came back`);
  for (const [name, page] of [["A", a], ["B", b]]) {
    await waitText(page, "percent", "37.5%");
    await page.waitForFunction(() => document.querySelector('li[data-lesson="lesson-5"]')?.getAttribute("data-position") === "200");
    assert.deepEqual(await lesson(page, "lesson-5"), { completed: false, position: 200 }, name);
    assert.deepEqual(await lesson(page, "lesson-6"), { completed: true, position: 0 }, name);
    assert.deepEqual(await lesson(page, "lesson-7"), { completed: true, position: 0 }, name);
    await waitText(page, "resume", "Channels · 0:00");
    await waitText(page, "last-device", "phone");
  }
  const rejoined = await serverCourse();
  assert.equal(rejoined.percentComplete, 37.5);
  assert.deepEqual(await pageView(a), rejoined, "A's state is not the server's");
  assert.deepEqual(await pageView(b), rejoined, "B's state is not the server's");

  step("6. a reset on B clears A after its next sync; A's late offline events bring nothing back");
  await a.getByTestId("offline").check();
  await watch(a, "lesson-4", 30);
  await waitText(a, "sync", "offline · 1 change waiting");
  await b.getByTestId("reset").click();
  await waitText(b, "percent", "0%");
  await waitText(b, "sync", "synced");
  await a.getByTestId("offline").uncheck();
  await waitText(a, "sync", "synced");
  await waitText(a, "percent", "0%");
  for (const id of ["lesson-1", "lesson-2", "lesson-3", "lesson-4"]) {
    assert.deepEqual(await lesson(a, id), { completed: false, position: 0 }, `A ${id}`);
  }
  assert.equal(await serverCourse(), null, "the server holds progress after the reset");
  await b.reload();
  await waitText(b, "percent", "0%");
  step("passed");
}

// sideBySide saves one image of both devices, labelled.
async function sideBySide(a, b, file) {
  const shots = await Promise.all([a.screenshot(), b.screenshot()]);
  const page = await (await browser.newContext({ viewport: { width: 960, height: 860 } })).newPage();
  const figure = (label, png) =>
    `<figure><figcaption>${label}</figcaption><img src="data:image/png;base64,${png.toString("base64")}"></figure>`;
  await page.setContent(`<style>body{margin:0;display:flex;gap:20px;padding:10px;background:#dde1e7;font:14px system-ui}
    figure{margin:0}figcaption{padding:4px 0;font-weight:600}img{width:460px;border:1px solid #99a}</style>
    ${figure("Device A: web, back from offline", shots[0])}${figure("Device B: phone", shots[1])}`);
  await page.screenshot({ path: file, fullPage: true });
  step(`screenshot: ${file}`);
}
