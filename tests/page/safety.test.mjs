// Page safety (issue 8, item 4): whatever a definition, its mocks or a share link hold
// (HTML, scripts, very long lines), the page shows it as text, runs nothing, keeps its
// layout, and a broken link shows an error rather than a blank page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { open, status, testid, node, setDefinition, setMocks, setInput } from "./helpers.mjs";

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");

// Each would run code or show markup if the page put user text into HTML.
const SCRIPT = "<script>window.__pwned = 'script'</script>";
const IMG = "<img src=x onerror=\"window.__pwned='img'\">";
const SVG = "<svg onload=\"window.__pwned='svg'\"><b>bold</b></svg>";
const ATTR = "\" autofocus onfocus=\"window.__pwned='attr'";
const LONG = "L".repeat(200_000);

/** Nothing ran, no markup appeared, no dialog fired, and the page does not scroll sideways. */
async function assertInert(page, dialogs, what) {
  assert.equal(await page.evaluate(() => window.__pwned), undefined, `${what}: code ran`);
  // (CodeMirror's own `img.cm-widgetBuffer` elements are not user text.)
  for (const tag of ["img[src]", "[onerror]", "[onload]", "[onfocus]", "script", "svg b", "h1", "iframe", "object", "embed"]) {
    const count = await page.locator(`main ${tag}, #banner ${tag}`).count();
    assert.equal(count, 0, `${what}: a ${tag} element appeared`);
  }
  assert.deepEqual(dialogs, [], `${what}: a dialog fired`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `${what}: the page scrolls sideways by ${overflow}px`);
}

test("hostile error names and causes, from a Fail state and a mock, appear as text", async () => {
  const { page, dialogs, close } = await open();
  await setDefinition(page, {
    StartAt: "Call",
    States: {
      Call: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: "f" },
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.caught", Next: "Give up" }],
        Next: "Give up",
      },
      "Give up": { Type: "Fail", Error: IMG, Cause: `${SCRIPT} ${SVG} ${ATTR}` },
    },
  });
  await setMocks(page, { Call: { Throw: { Error: SVG, Cause: `${IMG} ${LONG}` } } });
  await status(page, "READY");
  await testid(page, "run").click();
  await status(page, "FAILED");
  const error = await testid(page, "error").textContent();
  assert.ok(error.includes(IMG) && error.includes(SCRIPT) && error.includes(SVG) && error.includes(ATTR), error.slice(0, 300));
  // The caught error, with its 200,000-character cause, is in the history and the inspector as text.
  const rows = (await testid(page, "history-row").allTextContents()).join("\n");
  assert.ok(rows.includes("Give up"), rows.slice(0, 300));
  await node(page, "Call").click();
  const inspector = await testid(page, "inspector").textContent();
  assert.ok(inspector.includes("<b>bold</b></svg>"), "the inspector shows the mocked error (in JSON, quotes escaped)");
  await node(page, "Give up").click();
  await assertInert(page, dialogs, "errors and causes");
  await close();
});

test("hostile outputs, keys, an 80-character hostile state name and 200,000-character lines appear as text", async () => {
  const { page, dialogs, close } = await open();
  const name = `${IMG}${"N".repeat(80 - IMG.length)}`; // AWS's longest state name
  const result = { [SCRIPT]: SVG, [IMG]: [ATTR, LONG], nested: { "</pre><h1>x</h1>": `\u202e${"x".repeat(50_000)}` } };
  await setDefinition(page, { StartAt: name, States: { [name]: { Type: "Pass", Result: result, Next: "Done" }, Done: { Type: "Succeed" } } });
  await setInput(page, { html: SCRIPT, long: LONG });
  await status(page, "READY");
  await testid(page, "run").click();
  await status(page, "SUCCEEDED");
  const output = await testid(page, "output").textContent();
  assert.equal(JSON.parse(output)[SCRIPT], SVG);
  assert.equal(JSON.parse(output)[IMG][1].length, LONG.length);
  assert.equal(await node(page, name).count(), 1, "the graph has the long, hostile name");
  assert.ok((await testid(page, "history-row").allTextContents()).some((t) => t.includes(IMG)));
  await node(page, name).click();
  assert.ok((await testid(page, "inspector").locator(".state-name").textContent()).startsWith(IMG));
  await page.locator("#tab-timeline").click();
  assert.ok((await testid(page, "timeline").textContent()).includes(IMG));
  await page.locator("#tab-history").click();
  await assertInert(page, dialogs, "outputs and names");
  // Still usable: a new definition runs.
  await setDefinition(page, { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
  await status(page, "READY");
  await testid(page, "run").click();
  await status(page, "SUCCEEDED");
  await close();
});

test("a share link full of markup loads it as text", async () => {
  const machine = {
    definition: JSON.stringify({ Comment: SCRIPT, StartAt: SVG, States: { [SVG]: { Type: "Fail", Error: ATTR, Cause: IMG } } }),
    input: JSON.stringify({ [IMG]: SCRIPT }),
    mocks: "{}",
    testCase: IMG,
    breakpoints: [SVG, IMG],
  };
  for (const hash of [`#state=${b64url(Buffer.from(JSON.stringify(machine)))}`, `#z=${b64url(deflateRawSync(Buffer.from(JSON.stringify(machine))))}`]) {
    const { page, dialogs, close } = await open({ hash });
    assert.equal((await page.evaluate(() => window.aslSim.state())).definition, machine.definition);
    assert.equal(await node(page, SVG).count(), 1);
    await testid(page, "run").click();
    await status(page, "FAILED");
    assert.ok((await testid(page, "error").textContent()).includes(ATTR));
    await assertInert(page, dialogs, hash.slice(0, 8));
    await close();
  }
});

test("more garbage in #state= and #z= shows an error message, never a blank page", async () => {
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  const hashes = [
    `#state=${b64url(Buffer.from(JSON.stringify({ definition: 5 })))}`,
    `#state=${b64url(Buffer.from(JSON.stringify({ definition: "{}", seed: "7" })))}`,
    `#state=${b64url(Buffer.from(JSON.stringify([1, 2])))}`,
    `#state=${b64url(Buffer.from(deep))}`,
    `#state=${b64url(Buffer.from([0xff, 0xfe, 0x00, 0x7b]))}`,
    `#state=${"A".repeat(1_000_000)}`,
    `#z=${b64url(deflateRawSync(Buffer.from("not json")))}`,
    `#z=${b64url(Buffer.from(SCRIPT))}`,
    `#state=${encodeURIComponent(SCRIPT)}`,
  ];
  for (const hash of hashes) {
    const { page, dialogs, close } = await open({ hash });
    const banner = page.locator("#banner");
    assert.equal(await banner.isVisible(), true, hash.slice(0, 40));
    assert.match(await banner.textContent(), /could not be read: .+ Showing the default example/, hash.slice(0, 40));
    assert.equal(await node(page, "RequestApproval").count(), 1, "the default example is loaded");
    await assertInert(page, dialogs, hash.slice(0, 40));
    await close();
  }
  // A link whose definition is not valid ASL (or not JSON) loads it, with its diagnostics.
  for (const definition of [SCRIPT, JSON.stringify({ StartAt: IMG, States: {} }), deep]) {
    const { page, dialogs, close } = await open({ hash: `#state=${b64url(Buffer.from(JSON.stringify({ definition })))}`, wait: "INVALID" });
    assert.ok((await testid(page, "diagnostic").count()) > 0, "diagnostics are listed");
    await assertInert(page, dialogs, definition.slice(0, 40));
    await close();
  }
});
