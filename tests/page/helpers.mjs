// Shared by the page suites: one static server and one Debian Chromium per
// test file (through playwright-core: it downloads no browser), and small
// helpers so that each test reads as what a user does.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
// As root in a container, with no network: no sandbox, and none of the
// background connections that this machine would refuse.
export const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export const env = {};

before(async () => {
  env.server = await serve({ port: 0 });
  env.browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

after(async () => {
  await env.browser?.close();
  await env.server?.close();
});

/**
 * A fresh page on the playground (at `hash`, if given), ready; `errors` collects page
 * errors and console errors, `dialogs` any alert/confirm that fired (each is dismissed).
 */
export async function open({ hash = "", width = 1280, height = 720, colorScheme = "light", wait = "READY" } = {}) {
  const context = await env.browser.newContext({ viewport: { width, height }, colorScheme });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.server.url });
  const page = await context.newPage();
  const errors = [];
  const dialogs = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(`${m.text()} (${m.location().url})`));
  page.on("dialog", (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  await page.goto(`${env.server.url}www/${hash}`);
  await page.waitForFunction(() => window.aslSim?.readyAt !== undefined);
  if (wait) await status(page, wait);
  const close = async () => {
    assert.deepEqual(errors, [], "no page errors");
    await context.close();
  };
  return { page, errors, dialogs, close };
}

const testid = (page, id) => page.getByTestId(id);
export { testid };

/** Wait until the status pill says `text`. */
export async function status(page, text, timeout = 15_000) {
  await page.getByTestId("status").filter({ hasText: new RegExp(`^${text}$`) }).waitFor({ timeout });
}

export const statusText = (page) => page.getByTestId("status").textContent();
export const count = async (page) => Number(await page.getByTestId("history-count").textContent());

/** A graph node by state name (names are matched exactly, whatever characters they hold). */
export const node = (page, name) => page.locator(`g.node[data-state="${name.replace(/["\\]/g, "\\$&")}"]`);
export const nodeStatus = (page, name) => node(page, name).getAttribute("data-status");

/** Replace the texts through the page's test hook (CodeMirror is not a <textarea>). */
export const setDefinition = (page, value) => page.evaluate((t) => window.aslSim.setDefinition(t), text(value));
export const setInput = (page, value) => page.evaluate((t) => window.aslSim.setInput(t), text(value));
export const setMocks = (page, value) => page.evaluate((t) => window.aslSim.setMocks(t), text(value));
const text = (v) => (typeof v === "string" ? v : JSON.stringify(v, null, 2));

/** The types of the history rows on screen (the table is virtualised: only rows in view exist). */
export const rowTypes = (page) => page.getByTestId("history-row").locator(".type").allTextContents();

/** Run the default example to its approval pause. */
export async function runToApproval(page) {
  await testid(page, "run").click();
  await status(page, "PAUSED");
}

export const onboardingOutput = (approvedBy) => ({
  customerId: "C-1029",
  accountId: "acc-7f3a",
  resources: { bucket: "/customer-acc-7f3a-files", schema: "tenant_acc_7f3a", billingId: "bill-204" },
  approvedBy,
  status: "ACTIVE",
});
