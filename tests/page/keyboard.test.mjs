// The page from the keyboard alone: shortcuts, Tab to the graph's states,
// the Waiting for form, the history table.
import { test } from "node:test";
import assert from "node:assert/strict";
import { open, status, count, nodeStatus, testid } from "./helpers.mjs";

/** Press Tab until `predicate(activeElement)` holds (at most `limit` times); the focused element's description. */
async function tabTo(page, predicate, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    const hit = await page.evaluate(predicate);
    if (hit) return hit;
  }
  throw new Error("never reached by Tab");
}

test("keyboard only: step with F10, inspect a state, set a breakpoint, run to it, answer the task, finish", async () => {
  const { page, close } = await open();
  await page.keyboard.press("F10");
  await page.keyboard.press("F10");
  assert.equal(await count(page), 3);
  await page.keyboard.press("Shift+F10");
  assert.equal(await count(page), 2);
  await page.keyboard.press("Shift+F5");
  await status(page, "READY");

  // Tab into the graph to CreateAccount; Enter inspects it, B sets a breakpoint.
  await tabTo(page, () => document.activeElement?.dataset?.state === "CreateAccount");
  await page.keyboard.press("Enter");
  assert.equal(await testid(page, "inspector").locator(".state-name").textContent(), "CreateAccount");
  await page.keyboard.press("b");
  await page.keyboard.press("F8");
  await status(page, "PAUSED");
  assert.equal(await nodeStatus(page, "CreateAccount"), "idle");
  await page.keyboard.press("F9"); // the selected state's breakpoint off again
  await page.keyboard.press("F5");
  await status(page, "PAUSED");
  assert.equal(await testid(page, "pending-task").getAttribute("data-state"), "RequestApproval");

  // Tab to the form's output, type the answer, submit with Enter on the button.
  await tabTo(page, () => document.activeElement?.name === "output");
  await page.keyboard.press("Control+a");
  await page.keyboard.type('{"approved": true, "approvedBy": "keyboard"}');
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Send task success");
  await page.keyboard.press("Enter");
  await status(page, "SUCCEEDED");
  assert.match(await testid(page, "output").textContent(), /"approvedBy": "keyboard"/);

  // The history table: focus it, move with the arrows, open an event with Enter.
  await tabTo(page, () => document.activeElement?.id === "history");
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  const open2 = testid(page, "history-row").filter({ has: page.locator("pre") });
  assert.equal(await open2.getAttribute("data-id"), "2");
  await page.keyboard.press("?");
  assert.equal(await page.locator("#help").isVisible(), true);
  await page.keyboard.press("Escape");
  await close();
});

test("every control has a name a screen reader can say, and focus is visible", async () => {
  const { page, close } = await open();
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll("button, select, input, textarea, [role=button]")]
      .filter((el) => !el.closest("[hidden]") && !el.hidden && el.type !== "file")
      .filter((el) => !(el.getAttribute("aria-label") || el.textContent.trim() || el.labels?.length || el.title))
      .map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(unnamed, []);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none");
  await close();
});
