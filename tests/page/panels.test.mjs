// The panels that explain an execution: the timeline, the inspector, the
// history table, and the history download.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { open, status, node, testid, runToApproval } from "./helpers.mjs";

test("the timeline shows the welcome email's two retries with their backoff intervals, and the timeout", async () => {
  const { page, close } = await open();
  await runToApproval(page);
  await page.locator("#tab-timeline").click();
  const timeline = testid(page, "timeline");
  const email = timeline.locator('.tl-row[data-state="SendWelcomeEmail"]');
  assert.equal(await email.count(), 1);
  const backoffs = email.locator('.seg[data-kind="backoff"]');
  assert.equal(await backoffs.count(), 2);
  assert.deepEqual(await backoffs.evaluateAll((list) => list.map((b) => b.dataset.seconds)), ["2", "4"]);
  assert.deepEqual(await backoffs.allTextContents(), ["\u21bb 2 s", "\u21bb 4 s"]);
  assert.equal(await email.locator('.seg[data-kind="attempt"]').count(), 3);
  assert.equal(await email.locator(".seg.attempt.failed").count(), 2);
  // GetCheckResult runs twice: the second time its mock takes 45 s, past TimeoutSeconds 20.
  const check = timeline.locator('.tl-row[data-state="GetCheckResult"]');
  assert.equal(await check.count(), 2);
  const timedOut = check.nth(1).locator(".seg.attempt.timedOut");
  assert.equal(await timedOut.getAttribute("data-seconds"), "20");
  assert.equal(await check.nth(1).locator('.seg[data-kind="backoff"]').getAttribute("data-seconds"), "5");
  // The Wait and the Parallel's three branches, each in a row of its own.
  assert.equal(await timeline.locator('.tl-row[data-state="WaitForCheck"] .seg[data-kind="wait"]').first().getAttribute("data-seconds"), "30");
  for (const branch of ["CreateStorageBucket", "CreateDatabaseSchema", "SetUpBilling"]) {
    assert.equal(await timeline.locator(`.tl-row[data-state="${branch}"]`).count(), 1);
  }
  assert.equal(await timeline.locator('.tl-row[data-state="CreateDatabaseSchema"] .seg.attempt').getAttribute("data-seconds"), "8");
  assert.equal(await timeline.locator('.tl-row[data-state="RequestApproval"] .seg.callback').count(), 1);
  // Double-click the row to zoom to it: the 2 s backoff, a sliver of the 109 s run, becomes wide.
  const narrow = (await backoffs.first().boundingBox()).width;
  await email.dblclick();
  const wide = (await backoffs.first().boundingBox()).width;
  assert.ok(wide > 40 && wide > narrow * 5, `backoff bar ${narrow.toFixed(1)} px → ${wide.toFixed(1)} px`);
  await close();
});

test("the inspector shows each data-flow stage of a Task with ResultSelector and ResultPath", async () => {
  const { page, close } = await open();
  await runToApproval(page);
  await node(page, "CreateAccount").click();
  const inspector = testid(page, "inspector");
  assert.equal(await inspector.locator(".state-name").textContent(), "CreateAccount");
  const stages = await inspector.locator(".stage").evaluateAll((list) => list.map((s) => s.dataset.stage));
  assert.deepEqual(stages, ["input", "afterInputPath", "afterParameters", "result", "afterResultSelector", "afterResultPath", "output"]);
  const stage = async (key) => JSON.parse(await inspector.locator(`.stage[data-stage="${key}"] pre`).textContent());
  assert.deepEqual(await stage("afterParameters"), {
    FunctionName: "create-account",
    Payload: { customerId: "C-1029", name: "Ada Lovelace", email: "ada@example.com" },
  });
  assert.deepEqual((await stage("result")).Payload, { accountId: "acc-7f3a", createdAt: "2024-01-01T00:01:30Z" });
  assert.equal((await stage("result")).StatusCode, 200, "the inline lambda:invoke mock is wrapped in the Invoke envelope");
  assert.deepEqual(await stage("afterResultSelector"), { accountId: "acc-7f3a", createdAt: "2024-01-01T00:01:30Z" });
  assert.deepEqual((await stage("afterResultPath")).account, { accountId: "acc-7f3a", createdAt: "2024-01-01T00:01:30Z" });
  assert.match(await inspector.locator('.stage[data-stage="afterResultPath"] .stage-expr').textContent(), /ResultPath: "\$\.account"/);
  assert.match(await inspector.locator('.stage[data-stage="afterResultSelector"] .stage-expr').textContent(), /ResultSelector: \{"accountId\.\$":"\$\.Payload\.accountId"/);
  assert.match(await inspector.textContent(), /Context object/);
  assert.match(await inspector.textContent(), /"EnteredTime": "2024-01-01T00:01:33\.000Z"/);
  await close();
});

test("the inspector shows which Choice rule matched, and the attempts of a retried Task", async () => {
  const { page, close } = await open();
  await runToApproval(page);
  await node(page, "DocumentsVerified?").click();
  const inspector = testid(page, "inspector");
  assert.equal(await inspector.locator(".rules li.matched").getAttribute("data-rule"), "0");
  assert.match(await inspector.locator(".rules li.matched").textContent(), /VERIFIED.*CreateAccount.*matched/);
  await node(page, "SendWelcomeEmail").click();
  assert.deepEqual(await inspector.locator(".attempts li").allTextContents(), [
    "Attempt 1: failed (Email.ThrottlingException), 0 s",
    "\u21bb retry 1 after 2 s",
    "Attempt 2: failed (Email.ThrottlingException), 0 s",
    "\u21bb retry 2 after 4 s",
    "Attempt 3: succeeded, 1 s",
  ]);
  await close();
});

test("the history table expands an event's details, filters, and selects its state", async () => {
  const { page, close } = await open();
  await runToApproval(page);
  const rows = testid(page, "history-row");
  const entered = rows.filter({ hasText: "TaskStateEntered" }).last();
  await entered.click();
  assert.equal(await entered.getAttribute("aria-expanded"), "true");
  const details = JSON.parse(await entered.locator("pre").textContent());
  assert.equal(details.stateEnteredEventDetails.name, "RequestApproval");
  assert.equal(details.stateEnteredEventDetails.input.customerId, "C-1029", "the input JSON text is shown as JSON");
  await page.locator("#history-filter").fill("TaskFailed");
  assert.deepEqual(await rows.locator(".type").allTextContents(), ["TaskFailed", "TaskFailed"]);
  await rows.first().locator(".state button").click();
  assert.equal(await testid(page, "inspector").locator(".state-name").textContent(), "SendWelcomeEmail");
  assert.equal(await testid(page, "history-count").textContent(), "66");
  await close();
});

test("Save → History downloads GetExecutionHistory JSON", async () => {
  const { page, close } = await open();
  await runToApproval(page);
  await page.locator("#save-menu summary").click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator('[data-save="history"]').click()]);
  const history = JSON.parse(await readFile(await download.path(), "utf8"));
  assert.deepEqual(Object.keys(history), ["events"]);
  assert.equal(history.events.length, 66);
  assert.deepEqual(Object.keys(history.events[0]).slice(0, 4), ["timestamp", "type", "id", "previousEventId"]);
  assert.equal(history.events.at(-1).type, "TaskSubmitted");
  await close();
});

test("for a JSONata machine the inspector shows Arguments and Output, and the Condition that matched", async () => {
  const { page, close } = await open();
  await page.getByTestId("examples").selectOption("jsonata");
  await status(page, "READY");
  await testid(page, "run").click();
  await status(page, "SUCCEEDED");
  await node(page, "Price").click();
  const inspector = testid(page, "inspector");
  const stages = await inspector.locator(".stage").evaluateAll((list) => list.map((s) => s.dataset.stage));
  assert.deepEqual(stages, ["input", "afterArguments", "result", "output"]);
  assert.equal(await inspector.locator('.stage[data-stage="afterArguments"] .stage-title').textContent(), "Arguments");
  assert.match(await inspector.locator('.stage[data-stage="output"] .stage-expr').textContent(), /^Output: \{"index":"\{% \$states\.input\.index %\}"/);
  await node(page, "Check").click();
  assert.match(await inspector.locator(".rules li.matched").textContent(), /\$grand > 100.*Charge.*matched/);
  assert.match(await inspector.textContent(), /"grand": 105/);
  await close();
});
