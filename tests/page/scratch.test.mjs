// The JSONata scratch panel (www/src/scratch.js): an expression evaluated as
// you type against the execution input or the selected state, with variables;
// errors as `asl-sim eval` prints them, syntax errors with their position; an
// endless recursion and an endless evaluation end without freezing the page;
// text that looks like HTML stays text; the link keeps the panel.
import { test } from "node:test";
import assert from "node:assert/strict";
import { open, status, testid, node, count, setInput } from "./helpers.mjs";

const panel = (page) => testid(page, "jsonata");

/** Set the panel's fields through the page's hook, then wait until it shows the outcome of `expression`. */
async function evaluate(page, expression, more = {}) {
  await page.evaluate((state) => window.aslSim.setJsonata(state), { expression, ...more });
  await shown(page, expression);
}

/** Wait until the panel shows the outcome of `expression` (evaluation is asynchronous, in a worker). */
async function shown(page, expression, timeout = 10_000) {
  await page.waitForFunction((e) => document.getElementById("jsonata-panel").dataset.shown === e, expression, { timeout });
}

/** The result on screen (failing with the error shown, if there is one instead). */
async function resultText(page) {
  const state = await testid(page, "jsonata-status").getAttribute("data-state");
  if (state !== "ok") assert.fail(`no result (${state}): ${await errorBox(page).textContent()}`);
  return testid(page, "jsonata-result").textContent();
}
const result = async (page) => JSON.parse(await resultText(page));
const errorBox = (page) => testid(page, "jsonata-error");

test("J opens the panel; a typed expression is evaluated against the execution input, with variables, the clock and the seed", async () => {
  const { page, close } = await open();
  await page.keyboard.press("j");
  assert.equal(await page.locator("#tab-jsonata").getAttribute("aria-selected"), "true");
  assert.equal(await page.evaluate(() => !!document.activeElement.closest('[data-testid="jsonata-editor"]')), true, "the expression has the focus");
  assert.ok((await panel(page).locator(".tries .chip").count()) >= 5, "an empty panel offers expressions to try");

  // Typed (debounced, evaluated live): `$` and `$states.input` are both the input, as in asl-sim eval.
  const typed = "$states.input.name & ' <' & $.email & '>'";
  await page.keyboard.type(typed);
  await shown(page, typed);
  assert.equal(await result(page), "Ada Lovelace <ada@example.com>");
  assert.equal(await testid(page, "jsonata-status").getAttribute("data-state"), "ok");
  assert.match(await testid(page, "jsonata-bound").textContent(), /\$states\.input.*\$now\(\) 2024-01-01T00:00:00\.000Z.*seed 0/);

  // Tab leaves the expression for the variables; {"greeting": "Hello"} is $greeting.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => !!document.activeElement.closest('[data-testid="jsonata-variables-editor"]')), true);
  await page.keyboard.type('{"greeting": "Hello"}');
  await evaluate(page, "$greeting & ', ' & $states.input.name");
  assert.equal(await result(page), "Hello, Ada Lovelace");
  assert.deepEqual(await testid(page, "jsonata-bound").locator(".chip").allTextContents(), ["$states.input", "$greeting"]);

  // AWS's additions; $now() from the virtual clock, $uuid() from the page's seed.
  await evaluate(page, "{% [$partition([1, 2, 3], 2), $hash('abc', 'SHA-256'), $now(), $uuid()] %}");
  // (An array constructor splices in the arrays that functions return, as JSONata does.)
  assert.deepEqual(await result(page), [
    [1, 2],
    [3],
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "2024-01-01T00:00:00.000Z",
    "a0eca5f4-bf1d-49e4-9114-c8b9db487910",
  ]);
  await page.locator("#tab-input").click();
  await page.locator("#seed").fill("7");
  await page.locator("#seed").dispatchEvent("change");
  await evaluate(page, "$uuid()");
  assert.equal(await result(page), "510a7d89-7dbd-4569-8f8e-7a71ab36d116", "seed 7");
  // An object keeps the key order the expression gave it (a JS object would put "1" first).
  await evaluate(page, "{'b': 1, '1': 2}");
  assert.equal(await resultText(page), '{\n  "b": 1,\n  "1": 2\n}');

  // Every control in the panel has a name a screen reader can say.
  const unnamed = await panel(page).evaluate((root) =>
    [...root.querySelectorAll("button, select, input, textarea")]
      .filter((el) => !el.closest("[hidden]"))
      .filter((el) => !(el.getAttribute("aria-label") || el.textContent.trim() || el.labels?.length || el.title))
      .map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(unnamed, []);
  await close();
});

test("against the selected state: $states.input, $states.context, $states.result and the variables in scope", async () => {
  const { page, close } = await open();
  await testid(page, "examples").selectOption("jsonata");
  await status(page, "READY");
  await testid(page, "run").click();
  await status(page, "SUCCEEDED");
  await node(page, "Refund").click();
  const output = JSON.parse(await testid(page, "inspector").locator('.stage[data-stage="output"] pre').textContent());
  await page.locator("#tab-jsonata").click();

  // Auto: the selected state, once it has run. Refund's Output, recomputed here, is what the engine recorded.
  await evaluate(page, "{'refunded': $states.input.amount, 'tier': $tier, 'runId': $runId, 'at': $startedAt}");
  const { lucky, ...rest } = output;
  assert.deepEqual(await result(page), rest);
  assert.equal(await testid(page, "jsonata-against").locator("option:checked").textContent(), "Auto \u00b7 Refund");
  const chips = await testid(page, "jsonata-bound").locator(".chip").allTextContents();
  assert.deepEqual(chips.slice(0, 2), ["$states.input", "$states.context"]);
  for (const name of ["$rate", "$runId", "$startedAt", "$grand", "$tier"]) assert.ok(chips.includes(name), `${name} in ${chips}`);
  await evaluate(page, "[$states.context.State.Name, $now() = $states.context.State.EnteredTime, $now()]");
  const [name, same, now] = await result(page);
  assert.deepEqual([name, same], ["Refund", true]);
  assert.match(await testid(page, "jsonata-bound").textContent(), new RegExp(`\\$now\\(\\) ${now.replace(/[.]/g, "\\.")}`));

  // The Map: $states.result is what its iterations returned; $grand is assigned from it on exit.
  await page.evaluate(() => window.aslSim.select("PriceAll")); // a click on the group's middle would hit Price
  await evaluate(page, "$sum($states.result.total)");
  assert.equal(await result(page), 105);
  assert.ok((await testid(page, "jsonata-bound").locator(".chip").allTextContents()).includes("$states.result"));

  // The execution input instead: $rate is not in scope there, so the expression returns nothing.
  await testid(page, "jsonata-against").selectOption("input");
  await evaluate(page, "$rate");
  assert.equal(await testid(page, "jsonata-status").getAttribute("data-state"), "warn");
  assert.equal(await errorBox(page).locator(".error-name").textContent(), "States.QueryEvaluationError");
  assert.equal(await errorBox(page).locator(".cause").textContent(), "The JSONata expression '$rate' returned nothing (undefined).");
  await evaluate(page, "$states.input.rate");
  assert.equal(await result(page), 3);

  // The selected state before it has run: nothing to evaluate against, and the panel says why.
  await testid(page, "jsonata-against").selectOption("state");
  await testid(page, "reset").click();
  await status(page, "READY");
  await evaluate(page, "$states.input.order");
  assert.match(await errorBox(page).textContent(), /PriceAll has not run yet/);
  await close();
});

test("a syntax error shows AWS's error, the cause asl-sim eval prints, and where it is", async () => {
  const { page, close } = await open();
  await page.locator("#tab-jsonata").click();
  const expression = "(\n  $x := 1;\n  $x + )";
  await evaluate(page, expression);
  assert.equal(await testid(page, "jsonata-status").getAttribute("data-state"), "error");
  assert.equal(await errorBox(page).locator(".error-name").textContent(), "States.QueryEvaluationError");
  assert.equal(await errorBox(page).locator(".cause").textContent(),
    `The JSONata expression '${expression}' is invalid: S0211: The symbol RightParen cannot be used as a unary operator`);
  const where = testid(page, "jsonata-error-position");
  assert.equal(await where.textContent(), "line 3, column 8");
  const editor = testid(page, "jsonata-editor");
  assert.equal(await editor.locator(".cm-lintRange-error").textContent(), ")", "the offending character is underlined");
  await where.click();
  assert.equal(await page.evaluate(() => !!document.activeElement.closest('[data-testid="jsonata-editor"]')), true);
  assert.equal(await editor.locator(".cm-activeLine").textContent(), "  $x + )", "the cursor is on the line of the error");

  // With {% %}: the position counts from the start of the text as typed; the cause quotes the bare expression.
  await evaluate(page, "{% $states.input.customerId ?? 'none' %}");
  assert.equal(await errorBox(page).locator(".cause").textContent(),
    "The JSONata expression '$states.input.customerId ?? 'none'' is invalid: Syntax error: \"??\": the coalescing operator is not supported by the JSONata version AWS Step Functions uses");
  assert.equal(await where.textContent(), "line 1, column 29");
  assert.equal(await editor.locator(".cm-lintRange-error").textContent(), "?");
  await close();
});

test("an evaluation error reads as asl-sim eval prints it", async () => {
  const { page, close } = await open();
  await page.locator("#tab-jsonata").click();
  await evaluate(page, "$states.input.customerId + 1");
  assert.equal(await errorBox(page).locator(".error-name").textContent(), "States.QueryEvaluationError");
  assert.equal(await errorBox(page).locator(".cause").textContent(),
    "The JSONata expression '$states.input.customerId + 1' threw an error during evaluation. T2001: The left side of the + operator must evaluate to a number");
  assert.equal(await testid(page, "jsonata-error-position").count(), 0, "an evaluation error has no position");
  assert.equal(await testid(page, "jsonata-result").isVisible(), false);
  await close();
});

test("a runaway recursion ends in an error, an endless evaluation is stopped, and the page stays responsive", async () => {
  const { page, close } = await open();
  await page.locator("#tab-jsonata").click();
  await evaluate(page, "($f := function(){$f()}; $f())");
  assert.match(await errorBox(page).locator(".cause").textContent(), /threw an error during evaluation\. D1012: Evaluation stopped after 100000 function calls/);
  await evaluate(page, "($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(100000))");
  assert.match(await errorBox(page).locator(".cause").textContent(), /D1011: Stack overflow/);

  // A result of two million characters is cut short before it reaches the page.
  await evaluate(page, "[1..300000]");
  assert.equal(await page.locator("#jsonata-note").textContent(), "Cut short: the result is 1,988,896 characters of JSON; this is its beginning.");
  assert.ok((await resultText(page)).split("\n").length <= 2001);

  // Nine million items, three times over: bounded by the engine only after seconds. It runs in the
  // panel's worker; the page goes on (a timer fires on time, Step records an event), then the panel stops it.
  const slow = "$count(([1..3000]).([1..3000]).([1..3]))";
  await page.evaluate((e) => window.aslSim.setJsonata({ expression: e }), slow);
  await testid(page, "jsonata-status").filter({ hasText: "Evaluating" }).waitFor();
  const lag = await page.evaluate(() => new Promise((resolve) => {
    const t = performance.now();
    setTimeout(() => resolve(performance.now() - t), 10);
  }));
  assert.ok(lag < 250, `a 10 ms timer fired after ${lag.toFixed(0)} ms while the expression ran`);
  await testid(page, "step").click();
  await page.waitForFunction(() => Number(document.getElementById("history-count").textContent) >= 2, null, { timeout: 2000 });
  await shown(page, slow, 15_000);
  assert.equal(await errorBox(page).locator(".error-name").textContent(), "Stopped after 3 s");
  assert.equal(await testid(page, "jsonata-status").getAttribute("data-state"), "error");
  // A fresh worker takes the next expression.
  await evaluate(page, "1 + 1");
  assert.equal(await result(page), 2);
  assert.ok((await count(page)) >= 2);
  await close();
});

test("HTML in the input, the result, an error and a variable name is shown as text", async () => {
  const { page, close } = await open();
  const html = '<img src=x onerror="window.__pwned = 1">';
  await setInput(page, { html });
  await page.locator("#tab-jsonata").click();
  await evaluate(page, "$states.input.html & '<b>bold</b><script>window.__pwned = 2</script>'");
  assert.equal(await result(page), `${html}<b>bold</b><script>window.__pwned = 2</script>`);
  await evaluate(page, "$error('<img src=x onerror=\"window.__pwned = 3\">')");
  assert.match(await errorBox(page).locator(".cause").textContent(), /D3137: <img src=x onerror="window\.__pwned = 3">/);
  await evaluate(page, "1", { variables: '{"<i>v</i>": 1}' });
  assert.deepEqual(await testid(page, "jsonata-bound").locator(".chip").allTextContents(), ["$states.input", "$<i>v</i>"]);
  assert.equal(await panel(page).locator("img:not(.cm-widgetBuffer), b, i, script").count(), 0, "no element was made from the text");
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await close();
});

test("the link keeps the expression, the variables and the choice of input; the tabs reach the panel by arrow keys", async () => {
  const { page, close } = await open();
  await page.locator("#tab-history").focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.evaluate(() => document.activeElement.id), "tab-jsonata");
  assert.equal(await page.locator("#pane-jsonata").isVisible(), true);
  const state = { expression: "$states.input.customerId & $suffix", variables: '{"suffix": "-x"}', against: "input" };
  await evaluate(page, state.expression, state);
  assert.equal(await result(page), "C-1029-x");
  await page.waitForFunction(() => location.hash.startsWith("#z="));
  await page.waitForTimeout(500); // the URL is written 400 ms after the last change
  assert.deepEqual((await page.evaluate(() => window.aslSim.state())).jsonata, state);
  const hash = await page.evaluate(() => location.hash);
  await close();

  const again = await open({ hash });
  assert.equal(await again.page.locator("#tab-jsonata").getAttribute("aria-selected"), "true", "a link with a scratch expression opens the panel");
  await shown(again.page, state.expression);
  assert.equal(await result(again.page), "C-1029-x");
  assert.equal(await testid(again.page, "jsonata-against").inputValue(), "input");
  await again.close();
});
