// Speed, measured in the page and printed: time to interactive when served
// locally, and how long a step takes to show with a 1,000-event history.
import { test } from "node:test";
import assert from "node:assert/strict";
import { open, status, count, setDefinition } from "./helpers.mjs";

test("the page is interactive within one second", async () => {
  const figures = [];
  for (let i = 0; i < 3; i++) {
    const { page, close } = await open();
    figures.push(await page.evaluate(() => window.aslSim.readyAt));
    await close();
  }
  const best = Math.min(...figures);
  console.log(`# load: interactive after ${figures.map((f) => f.toFixed(0)).join(", ")} ms (best ${best.toFixed(0)} ms; from navigation start to the example drawn and ready)`);
  assert.ok(best < 1000, `interactive after ${best} ms`);
});

test("a step updates the view within 50 ms with a 1,000-event history", async () => {
  const { page, close } = await open();
  // 250 turns of a Pass/Choice loop (4 events each), then a tail of Pass states to step through.
  const tail = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`Tail${i}`, { Type: "Pass", ...(i < 29 ? { Next: `Tail${i + 1}` } : { End: true }) }]));
  await setDefinition(page, {
    StartAt: "Init",
    States: {
      Init: { Type: "Pass", Result: 0, ResultPath: "$.i", Next: "Inc" },
      Inc: { Type: "Pass", Parameters: { "i.$": "States.MathAdd($.i, 1)" }, Next: "More?" },
      "More?": { Type: "Choice", Choices: [{ Variable: "$.i", NumericLessThan: 250, Next: "Inc" }], Default: "Tail0" },
      ...tail,
    },
  });
  await page.evaluate(() => window.aslSim.runToBreakpoint(["Tail0"]));
  await status(page, "PAUSED");
  const before = await count(page);
  assert.ok(before >= 1000, `history of ${before} events`);
  await page.locator("#tab-timeline").click(); // the heavier view: its rows are rebuilt every step
  const times = await page.evaluate(async () => {
    const out = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      window.aslSim.step();
      // Until the browser has laid out and painted the change.
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      out.push(performance.now() - t0);
    }
    return out;
  });
  assert.equal(await count(page), before + 40);
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  const worst = sorted.at(-1);
  console.log(`# step with a ${before}-event history: median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms (call → next frame painted, 40 steps)`);
  assert.ok(median < 50, `median ${median} ms`);
  await close();
});
