// Retried, caught or failed: the page shows the engine's decision (Execution.failureHandling),
// not its own reading of Retry and Catch. Each definition here is one the page's old rule
// (a copy of ErrorEquals matching in trace.js) got wrong: the graph, the timeline and the
// inspector must say what the engine did.
import { test } from "node:test";
import assert from "node:assert/strict";
import { open, nodeStatus, testid } from "./helpers.mjs";

const task = (extra) => ({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "f" }, ...extra });
const done = { Type: "Succeed" };

/** Load a definition, its mocks and input into the playground, ready to step. */
async function load(page, { definition, mocks = {}, input = {} }) {
  await page.evaluate((state) => window.aslSim.load(state), {
    definition: JSON.stringify(definition, null, 2),
    mocks: JSON.stringify(mocks, null, 2),
    input: JSON.stringify(input),
  });
  await testid(page, "status").filter({ hasText: /^READY$/ }).waitFor();
}

/** Step until the history has `n` events (or the execution stops moving). */
const stepTo = (page, n) => page.evaluate((n) => {
  for (let i = 0; i < 1000 && window.aslSim.events < n; i++) window.aslSim.step();
  return window.aslSim.events;
}, n);

/** Step to the end. */
const finish = (page) => stepTo(page, 1000);

/** The timeline rows' phases for a state, in order. */
async function phases(page, state) {
  await page.locator("#tab-timeline").click();
  return testid(page, "timeline").locator(`.tl-row[data-state="${state}"]`).evaluateAll((rows) => rows.map((r) => r.dataset.phase));
}

test("States.TaskFailed retries an error named States.*; States.Timeout retries a missed heartbeat", async () => {
  const { page, close } = await open();
  await load(page, {
    definition: { StartAt: "T", States: { T: task({ Retry: [{ ErrorEquals: ["States.TaskFailed"], MaxAttempts: 1 }], End: true }) } },
    mocks: { T: [{ Throw: { Error: "States.Permissions", Cause: "denied" } }, { Return: { ok: true } }] },
  });
  assert.equal(await stepTo(page, 5), 5); // TaskFailed
  assert.equal(await nodeStatus(page, "T"), "retrying", "the engine retries it (the old rule said failed)");
  await finish(page);
  assert.equal(await nodeStatus(page, "T"), "succeeded");
  assert.deepEqual(await phases(page, "T"), ["succeeded"]);

  await load(page, {
    definition: { StartAt: "T", States: { T: task({ HeartbeatSeconds: 5, TimeoutSeconds: 100, Retry: [{ ErrorEquals: ["States.Timeout"], MaxAttempts: 1 }], End: true }) } },
    mocks: { T: [{ Return: 1, DelaySeconds: 10 }, { Return: 2 }] },
  });
  assert.equal(await stepTo(page, 5), 5); // TaskTimedOut, States.HeartbeatTimeout
  assert.equal(await nodeStatus(page, "T"), "retrying", "States.Timeout matches a missed heartbeat (the old rule said failed)");
  await finish(page);
  assert.equal(await nodeStatus(page, "T"), "succeeded");
  await close();
});

test("a Catch sees the error itself: a Parallel branch's, a Map's tolerance, ResultPath's and JSONata's", async () => {
  const { page, close } = await open();
  await load(page, {
    definition: { StartAt: "P", States: { P: { Type: "Parallel", Branches: [{ StartAt: "B", States: { B: task({ End: true }) } }], Catch: [{ ErrorEquals: ["Boom"], Next: "C" }], End: true }, C: done } },
    mocks: { B: { Throw: { Error: "Boom", Cause: "x" } } },
  });
  await finish(page);
  assert.equal(await nodeStatus(page, "B"), "failed");
  assert.equal(await nodeStatus(page, "P"), "caught", "the branch's error, not States.BranchFailed (the old rule said failed)");
  assert.equal(await nodeStatus(page, "C"), "succeeded");

  await load(page, {
    definition: {
      StartAt: "M",
      States: {
        M: { Type: "Map", ItemsPath: "$.items", ToleratedFailureCount: 0, ItemProcessor: { StartAt: "I", States: { I: task({ End: true }) } }, Catch: [{ ErrorEquals: ["States.ExceedToleratedFailureThreshold"], Next: "C" }], End: true },
        C: done,
      },
    },
    mocks: { I: [{ Throw: { Error: "E" } }, { Return: 1 }] },
    input: { items: [1, 2] },
  });
  await finish(page);
  assert.equal(await nodeStatus(page, "M"), "caught", "States.ExceedToleratedFailureThreshold (the old rule said failed)");

  // No failure event at all: the task succeeds, then its ResultPath cannot be applied.
  await load(page, {
    definition: { StartAt: "T", States: { T: task({ ResultPath: "$.a.b", Catch: [{ ErrorEquals: ["States.ALL"], Next: "C" }], End: true }), C: done } },
    mocks: { T: { Return: { x: 1 } } },
    input: { a: 5 },
  });
  assert.equal(await stepTo(page, 5), 5); // TaskSucceeded
  assert.equal(await nodeStatus(page, "T"), "caught", "States.ResultPathMatchFailure, caught (the old rule said succeeded)");
  await finish(page);
  assert.equal(await nodeStatus(page, "T"), "caught");
  assert.deepEqual(await phases(page, "T"), ["caught"]);

  // A JSONata error: EvaluationFailed, retried once, then caught.
  await load(page, {
    definition: {
      QueryLanguage: "JSONata",
      StartAt: "T",
      States: {
        T: {
          Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Arguments: { FunctionName: "{% $nothing.x %}" },
          Retry: [{ ErrorEquals: ["States.QueryEvaluationError"], MaxAttempts: 1, IntervalSeconds: 3 }],
          Catch: [{ ErrorEquals: ["States.QueryEvaluationError"], Next: "C" }], End: true,
        },
        C: done,
      },
    },
  });
  await finish(page);
  assert.equal(await nodeStatus(page, "T"), "caught", "(the old rule said succeeded)");
  assert.deepEqual(await phases(page, "T"), ["caught"]);
  const backoff = testid(page, "timeline").locator('.tl-row[data-state="T"] .seg[data-kind="backoff"]');
  assert.deepEqual(await backoff.evaluateAll((list) => list.map((b) => b.dataset.seconds)), ["3"], "the retry's back-off, though no task was scheduled");
  await close();
});

test("a FULL jitter's back-off is the engine's draw: a bound until it is drawn, then the wait itself", async () => {
  const { page, close } = await open();
  await load(page, {
    definition: { StartAt: "T", States: { T: task({ Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 10, MaxAttempts: 1, JitterStrategy: "FULL" }], End: true }) } },
    mocks: { T: [{ Throw: { Error: "E" } }, { Return: 1 }] },
  });
  await page.evaluate(() => window.aslSim.select("T"));
  const backoff = testid(page, "inspector").locator("li.backoff");
  assert.equal(await stepTo(page, 5), 5); // TaskFailed: the retry is decided, its delay not drawn yet
  assert.equal(await nodeStatus(page, "T"), "retrying");
  assert.equal(await backoff.textContent(), "\u21bb retry 1 after up to 10 s (FULL jitter, drawn when the retry starts)");
  await stepTo(page, 6); // TaskScheduled, after the drawn delay
  const text = await backoff.textContent();
  const seconds = Number(/after ([\d.]+) s$/.exec(text)?.[1]);
  assert.ok(seconds > 0 && seconds < 10, `a drawn delay below 10 s (the old rule planned 10 s): ${text}`);
  await finish(page);
  const bar = testid(page, "timeline").locator('.tl-row[data-state="T"] .seg[data-kind="backoff"]');
  await page.locator("#tab-timeline").click();
  assert.equal(Number(await bar.getAttribute("data-seconds")), seconds, "the timeline's bar is the same wait");
  await close();
});
