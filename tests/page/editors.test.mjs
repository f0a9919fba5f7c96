// Editors and diagnostics: typing into CodeMirror, diagnostics underlined at
// their line and listed, the mocks in both formats with the test-case picker,
// and user text (a hostile state name) shown as text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { open, status, statusText, node, nodeStatus, testid, setDefinition, setMocks, setInput } from "./helpers.mjs";

const broken = `{
  "StartAt": "First",
  "States": {
    "First": {
      "Type": "Pass",
      "Next": "Nowhere"
    },
    "Second": { "Type": "Succeed" }
  }
}`;

test("a broken definition shows a diagnostic at the right line, in place and in the list", async () => {
  const { page, close } = await open();
  await setDefinition(page, broken);
  await status(page, "INVALID");
  const diagnostic = testid(page, "diagnostic").first();
  assert.match(await diagnostic.textContent(), /definition 6:\d+/);
  assert.match(await diagnostic.textContent(), /\/States\/First\/Next/);
  // The underline sits on line 6 of the editor.
  const lines = testid(page, "definition-editor").locator(".cm-line");
  assert.equal((await lines.nth(5).locator(".cm-lintRange-error").allTextContents()).join(""), '"Nowhere"');
  assert.equal(await testid(page, "run").isDisabled(), true);
  assert.equal(await node(page, "Nowhere").count(), 0, "a missing target is drawn as a ghost, not a state");
  assert.equal(await page.locator('g.node[data-missing="Nowhere"]').count(), 1);
  // Clicking the diagnostic puts the cursor there.
  await diagnostic.locator("button").click();
  const cursorLine = await page.evaluate(() => {
    const sel = document.getSelection();
    return sel.anchorNode?.parentElement?.closest(".cm-line")?.textContent;
  });
  assert.match(cursorLine ?? "", /Nowhere/);
  await close();
});

test("typing into the definition editor re-validates as you type (debounced) and redraws the graph", async () => {
  const { page, close } = await open();
  await setDefinition(page, broken);
  await status(page, "INVALID");
  // Fix it by typing: select "Nowhere" by double click and type a real target.
  await testid(page, "definition-editor").locator(".cm-line", { hasText: "Nowhere" }).locator("text=Nowhere").dblclick();
  await page.keyboard.type("Second");
  await status(page, "READY");
  assert.equal(await testid(page, "diagnostic").count(), 0);
  // Type a new state by keyboard at the end of the States object.
  const editor = testid(page, "definition-editor").locator(".cm-content");
  await editor.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Control+a");
  await page.keyboard.insertText('{"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "End": true}}}');
  await node(page, "Hello").waitFor();
  await status(page, "READY");
  assert.equal(await node(page, "Second").count(), 0);
  // Not JSON at all: a diagnostic, and the last graph stays, dimmed.
  await page.keyboard.press("End");
  await page.keyboard.type(",");
  await status(page, "INVALID");
  assert.ok((await testid(page, "diagnostic").count()) >= 1);
  assert.match(await page.locator("#graph").getAttribute("class"), /stale/);
  await close();
});

test("input that is not JSON is reported against the input editor", async () => {
  const { page, close } = await open();
  await setInput(page, '{"customerId": }');
  await status(page, "INVALID");
  const d = testid(page, "diagnostic").first();
  assert.equal(await d.getAttribute("data-editor"), "input");
  assert.match(await d.textContent(), /input 1:\d+/);
  await close();
});

test("a MockConfigFile with several test cases offers a picker; each case runs its own mocks", async () => {
  const { page, close } = await open();
  await page.getByTestId("examples").selectOption("mock-config");
  await status(page, "READY");
  const picker = testid(page, "test-case");
  assert.deepEqual(await picker.locator("option").allTextContents(), ["HappyPath", "PaymentDeclined"]);
  await testid(page, "run").click();
  await status(page, "SUCCEEDED");
  assert.equal(await nodeStatus(page, "TakePayment"), "succeeded");
  await page.locator("#tab-mocks").click();
  await picker.selectOption("PaymentDeclined");
  await status(page, "READY");
  await testid(page, "run").click();
  await status(page, "FAILED");
  assert.equal(await nodeStatus(page, "TakePayment"), "caught");
  assert.equal(await nodeStatus(page, "ReleaseStock"), "succeeded");
  assert.equal(await nodeStatus(page, "Declined"), "failed");
  // Inline mocks that the engine refuses are reported against the mocks editor.
  await setMocks(page, '{"TakePayment": {"Retrun": 1}}');
  await status(page, "INVALID");
  assert.equal(await testid(page, "diagnostic").first().getAttribute("data-editor"), "mocks");
  await close();
});

test("a hostile state name is shown as text everywhere, and no dialog fires", async () => {
  const { page, dialogs, close } = await open();
  const name = "<img src=x onerror=alert(1)>";
  await setDefinition(page, { StartAt: name, States: { [name]: { Type: "Pass", Result: { html: "<b>bold</b>" }, End: true } } });
  await status(page, "READY");
  await testid(page, "run").click();
  await status(page, "SUCCEEDED");
  assert.equal(await node(page, name).locator("text.name").textContent(), name);
  assert.ok((await testid(page, "history-row").allTextContents()).some((t) => t.includes(name)));
  await node(page, name).click();
  assert.match(await testid(page, "inspector").locator(".state-name").textContent(), /^<img src=x onerror=alert\(1\)>$/);
  assert.match(await testid(page, "output").textContent(), /<b>bold<\/b>/);
  // (CodeMirror's own cursor helpers beside a placeholder are <img class="cm-widgetBuffer">.)
  assert.equal(await page.locator("img:not(.cm-widgetBuffer)").count(), 0);
  assert.equal(await page.locator("b", { hasText: "bold" }).count(), 0);
  assert.deepEqual(dialogs, []);
  await close();
});
