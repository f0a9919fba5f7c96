// Sharing: the state in the URL (#state= base64url JSON, #z= deflate-raw),
// the Share button, and a broken link.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { open, status, testid, node, setInput } from "./helpers.mjs";

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
const texts = (page) => page.evaluate(() => window.aslSim.state());

const machine = {
  definition: JSON.stringify({ StartAt: "Échelle ✓", States: { "Échelle ✓": { Type: "Pass", Result: { "2": "two", a: 1 }, End: true } } }, null, 2),
  input: '{"from": "a link"}',
  mocks: "{}",
  seed: 7,
};

test("#state= loads a base64url JSON state (UTF-8, only definition required)", async () => {
  const { page, close } = await open({ hash: `#state=${b64url(Buffer.from(JSON.stringify(machine)))}` });
  const state = await texts(page);
  assert.equal(state.definition, machine.definition);
  assert.equal(state.input, machine.input);
  assert.equal(state.seed, 7);
  assert.equal(await node(page, "Échelle ✓").count(), 1);
  await testid(page, "run").click();
  await status(page, "SUCCEEDED");
  // Keys in insertion order, as AWS keeps them (JS objects would put "2" first).
  assert.equal(await testid(page, "output").textContent(), '{\n  "2": "two",\n  "a": 1\n}');
  await close();

  const only = await open({ hash: `#state=${b64url(Buffer.from(JSON.stringify({ definition: machine.definition })))}` });
  assert.equal((await texts(only.page)).definition, machine.definition);
  await only.close();
});

test("#z= loads deflate-raw compressed state", async () => {
  const { page, close } = await open({ hash: `#z=${b64url(deflateRawSync(Buffer.from(JSON.stringify(machine))))}` });
  assert.equal((await texts(page)).definition, machine.definition);
  await close();
});

test("Share copies a link that round-trips the definition, input, mocks and test case", async () => {
  const { page, close } = await open();
  await page.getByTestId("examples").selectOption("mock-config");
  await page.locator("#tab-mocks").click();
  await testid(page, "test-case").selectOption("PaymentDeclined");
  await setInput(page, '{"orderId": "o-2", "sku": "pen"}');
  await testid(page, "share").click();
  await page.locator(".toast", { hasText: "Link copied" }).waitFor();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /\/www\/#z=[A-Za-z0-9_-]+$/);
  const before = await texts(page);
  await close();

  const { page: again, close: closeAgain } = await open({ hash: new URL(link).hash });
  const after = await texts(again);
  for (const key of ["definition", "input", "mocks", "testCase", "seed"]) assert.deepEqual(after[key], before[key], key);
  assert.equal(after.testCase, "PaymentDeclined");
  await testid(again, "run").click();
  await status(again, "FAILED");
  await closeAgain();
});

test("garbage in #state= shows an error message and the default example, not a blank page", async () => {
  for (const hash of ["#state=%%%not-base64", `#state=${b64url(Buffer.from("not json"))}`, `#state=${b64url(Buffer.from('{"input": "{}"}'))}`, "#z=AAAA"]) {
    const { page, close } = await open({ hash });
    const banner = page.locator("#banner");
    assert.equal(await banner.isVisible(), true, hash);
    assert.match(await banner.textContent(), /could not be read: .+ Showing the default example/);
    assert.equal(await node(page, "RequestApproval").count(), 1, "the default example is loaded");
    await close();
  }
});

test("Open loads a saved workspace or a definition file; Save → Workspace writes one", async () => {
  const { page, close } = await open();
  await page.locator("#save-menu summary").click();
  const [saved] = await Promise.all([page.waitForEvent("download"), page.locator('[data-save="workspace"]').click()]);
  const workspace = JSON.parse(await (await import("node:fs/promises")).readFile(await saved.path(), "utf8"));
  assert.equal(typeof workspace.definition, "string");
  assert.match(workspace.definition, /RequestApproval/);
  await page.locator("#open-file").setInputFiles({ name: "machine.asl.json", mimeType: "application/json", buffer: Buffer.from(machine.definition) });
  await node(page, "Échelle ✓").waitFor();
  assert.equal((await texts(page)).definition, machine.definition);
  await page.locator("#open-file").setInputFiles({ name: "workspace.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(workspace)) });
  await node(page, "RequestApproval").waitFor();
  assert.equal((await texts(page)).input, workspace.input);
  await close();
});
