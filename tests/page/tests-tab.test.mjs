// The Tests tab in Chromium: every test case of the loaded MockConfigFile runs through
// `runTests`, each is listed as passed or failed, and what no case took is greyed on the graph.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { open, testid, node } from "./helpers.mjs";

const fixture = (name) => readFileSync(new URL(`../fixtures/testing/${name}`, import.meta.url), "utf8");
const b64url = (text) => Buffer.from(text).toString("base64url");

test("Tests runs every test case and greys the states and edges no case took", async () => {
  const state = { definition: fixture("order.json"), input: '{"order": 17}', mocks: fixture("order.mocks.json") };
  const { page, close } = await open({ hash: `#state=${b64url(JSON.stringify(state))}` });
  await page.locator("#tab-tests").click();
  await testid(page, "tests-run").click();
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=tests-case]").length === 3);
  assert.match(await testid(page, "tests-summary").textContent(), /^3 passed, 0 failed · coverage: 4\/5 states, 3\/5 transitions/);
  const cases = await page.locator("[data-testid=tests-case]").evaluateAll((els) => els.map((e) => [e.querySelector(".case-name").textContent, e.dataset.passed]));
  assert.deepEqual(cases, [["SmallOrder", "true"], ["Throttled", "true"], ["Declined", "true"]]);
  assert.equal(await node(page, "Review").getAttribute("data-coverage"), "missed");
  assert.equal(await node(page, "Charge").getAttribute("data-coverage"), "covered");
  const edge = (from, to, kind) => page.locator(`g.edge-group[data-from="${from}"][data-to="${to}"][data-kind="${kind}"]`).getAttribute("data-coverage");
  assert.equal(await edge("Big order?", "Review", "choice"), "missed");
  assert.equal(await edge("Big order?", "Ship", "default"), "covered");
  assert.equal(await edge("Charge", "Declined", "catch"), "covered");
  await close();
});

test("a failing case is listed with its reason, and an inline mocks file is explained", async () => {
  const mocks = JSON.parse(fixture("order.mocks.json"));
  mocks.StateMachines.Order.TestCases.Broken = { Charge: "NoSuchResponse" };
  const state = { definition: fixture("order.json"), input: "{}", mocks: JSON.stringify(mocks) };
  const { page, close } = await open({ hash: `#state=${b64url(JSON.stringify(state))}` });
  await page.locator("#tab-tests").click();
  await testid(page, "tests-run").click();
  const broken = page.locator('[data-testid=tests-case][data-passed="false"]');
  await broken.waitFor();
  assert.match(await broken.textContent(), /^FAILBroken.*mocked response 'NoSuchResponse'/);
  assert.match(await testid(page, "tests-summary").textContent(), /^3 passed, 1 failed/);
  await close();

  const inline = await open({ hash: `#state=${b64url(JSON.stringify({ definition: fixture("order.json"), mocks: '{"Charge": {"Return": {}}}' }))}` });
  await inline.page.locator("#tab-tests").click();
  await testid(inline.page, "tests-run").click();
  assert.match(await testid(inline.page, "tests-summary").textContent(), /need a "StateMachines" object/);
  await inline.close();
});
