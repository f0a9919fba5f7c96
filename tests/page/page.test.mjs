// The playground page in headless Chromium (Debian's, through playwright-core):
// served by scripts/serve.mjs from pkg/ as `npm run build` left it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const SCREENSHOT = new URL("../../target/page.png", import.meta.url);

let server;
let browser;

before(async () => {
  server = await serve({ port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // As root in a container, with no network: no sandbox, and none of the
    // background connections that this machine would refuse. (Playwright
    // gives each launch a fresh profile directory of its own.)
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page on the playground, failing the test on any page error. */
async function open() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  page.on("console", (m) => m.type() === "error" && errors.push(`${m.text()} (${m.location().url})`));
  await page.goto(server.url); // `/` redirects to /www/
  await page.getByTestId("status").filter({ hasText: "READY" }).waitFor();
  return { page, errors };
}

test("Run takes the example to SUCCEEDED and shows its output and history", async () => {
  const { page, errors } = await open();
  assert.equal(new URL(page.url()).pathname, "/www/");
  await page.getByTestId("run").click();
  await page.getByTestId("status").filter({ hasText: "SUCCEEDED" }).waitFor();
  mkdirSync(new URL(".", SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT.pathname, fullPage: true });
  const output = JSON.parse(await page.getByTestId("output").textContent());
  assert.deepEqual(output, { order: "A-17", amount: 42, checked: true, verdict: "approved" });
  const rows = await page.getByTestId("history-row").count();
  assert.ok(rows >= 2, `history rows: ${rows}`);
  assert.equal(await page.getByTestId("history-count").textContent(), String(rows));
  assert.deepEqual(errors, []);
  await page.close();
});

test("Step adds one history row at a time; Reset clears them", async () => {
  const { page, errors } = await open();
  const rows = page.getByTestId("history-row");
  const type = (i) => rows.nth(i).locator("td").nth(1).textContent();
  await page.getByTestId("step").click();
  await rows.first().waitFor();
  assert.equal(await rows.count(), 2);
  assert.equal(await type(0), "ExecutionStarted");
  assert.equal(await type(1), "PassStateEntered");
  assert.equal(await page.getByTestId("status").textContent(), "RUNNING");
  await page.getByTestId("step").click();
  assert.equal(await rows.count(), 3);
  assert.equal(await type(2), "PassStateExited");
  await page.getByTestId("reset").click();
  assert.equal(await page.getByTestId("history-row").count(), 0);
  assert.equal(await page.getByTestId("status").textContent(), "READY");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a broken Next shows a diagnostic and the INVALID status; user text stays text", async () => {
  const { page, errors } = await open();
  const definition = { StartAt: "A", States: { A: { Type: "Pass", Next: "<img src=x onerror=alert(1)>" } } };
  await page.getByTestId("definition-editor").fill(JSON.stringify(definition, null, 2));
  await page.getByTestId("status").filter({ hasText: "INVALID" }).waitFor();
  const diagnostic = await page.getByTestId("diagnostic").first().textContent();
  assert.match(diagnostic, /\/States\/A\/Next/);
  assert.equal(await page.locator("img").count(), 0);
  await page.getByTestId("run").click();
  assert.equal(await page.getByTestId("status").textContent(), "INVALID");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a long execution runs over several frames to the end", async () => {
  const { page, errors } = await open();
  const loop = {
    StartAt: "Init",
    States: {
      Init: { Type: "Pass", Result: 0, ResultPath: "$.i", Next: "Inc" },
      Inc: { Type: "Pass", Parameters: { "i.$": "States.MathAdd($.i, 1)" }, Next: "More?" },
      "More?": { Type: "Choice", Choices: [{ Variable: "$.i", NumericLessThan: 150, Next: "Inc" }], Default: "Done" },
      Done: { Type: "Succeed" },
    },
  };
  await page.getByTestId("definition-editor").fill(JSON.stringify(loop));
  await page.getByTestId("input-editor").fill("{}");
  await page.getByTestId("run").click(); // straight after typing: the edit must not be lost
  await page.getByTestId("status").filter({ hasText: "SUCCEEDED" }).waitFor();
  assert.deepEqual(JSON.parse(await page.getByTestId("output").textContent()), { i: 150 });
  const rows = await page.getByTestId("history-row").count();
  assert.ok(rows > 600, `history rows: ${rows}`);
  assert.equal(await page.getByTestId("history-count").textContent(), String(rows));
  assert.deepEqual(errors, []);
  await page.close();
});
