// <asl-sim-embed> on its docs page (www/embed.html): three embeds that step
// independently, one wasm fetch for the whole page and only once an embed is in
// view, `src` and `autorun`, the editors, the inspector, themes, and untrusted
// text kept as text. Playwright's locators reach into the open shadow roots.
import { test } from "node:test";
import assert from "node:assert/strict";
import { env } from "./helpers.mjs";

/** The docs page; `wasm` counts fetches of the module, `errors` collects page errors. */
async function openDocs({ width = 1100, height = 900, colorScheme = "light" } = {}) {
  const context = await env.browser.newContext({ viewport: { width, height }, colorScheme });
  const page = await context.newPage();
  const errors = [];
  const wasm = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("request", (r) => r.url().endsWith(".wasm") && wasm.push(r.url()));
  await page.goto(`${env.server.url}www/embed.html`);
  const close = async () => {
    assert.deepEqual(errors, [], "no page errors");
    await context.close();
  };
  const embeds = page.locator("asl-sim-embed");
  return { page, errors, wasm, close, choice: embeds.nth(0), retry: embeds.nth(1), map: embeds.nth(2) };
}

const status = (embed, text, timeout = 15_000) =>
  embed.getByTestId("status").filter({ hasText: new RegExp(`^${text}$`) }).waitFor({ timeout });
const count = async (embed) => Number(await embed.getByTestId("history-count").textContent());
const nodeStatus = (embed, name) => embed.locator(`g.node[data-state="${name}"]`).getAttribute("data-status");
async function ready(embed) {
  await embed.scrollIntoViewIfNeeded();
  await status(embed, "READY");
}

/** Append an embed to the docs page: attributes, and the JSON for its child script (if any). */
function append(page, attributes, config) {
  return page.evaluate(({ attributes, config }) => {
    const el = document.createElement("asl-sim-embed");
    for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v);
    if (config) {
      const script = document.createElement("script");
      script.type = "application/json";
      script.textContent = JSON.stringify(config);
      el.append(script);
    }
    document.querySelector("main").append(el);
  }, { attributes, config });
}

test("three embeds on one page step independently, over one fetch of the wasm", async () => {
  const { page, wasm, close, choice, retry, map } = await openDocs();
  for (const embed of [choice, retry, map]) await ready(embed);
  assert.equal(wasm.length, 1, `one wasm fetch for three embeds: ${wasm}`);

  await choice.getByTestId("step").click();
  await choice.getByTestId("step").click();
  await retry.getByTestId("step").click();
  assert.equal(await count(choice), 3, "ExecutionStarted, ChoiceStateEntered, ChoiceStateExited");
  assert.equal(await count(retry), 2);
  assert.equal(await count(map), 0);
  assert.equal(await nodeStatus(choice, "ChooseShipping"), "succeeded");
  assert.equal(await nodeStatus(retry, "ChargeCard"), "active");
  assert.equal(await nodeStatus(map, "EachPhoto"), "idle");
  assert.match(await choice.getByTestId("last-event").textContent(), /ChoiceStateExited · ChooseShipping/);

  // Running one leaves the others where they were.
  await retry.getByTestId("run").click();
  await status(retry, "SUCCEEDED");
  assert.equal(await retry.getByTestId("clock").textContent(), "+0:06.000", "2 s and 4 s of backoff on the virtual clock");
  assert.equal(await retry.locator('g.node[data-state="ChargeCard"] .badge text').textContent(), "\u21bb2");
  assert.deepEqual(JSON.parse(await retry.getByTestId("output").textContent()).payment, { chargeId: "ch_3KpL" });
  assert.equal(await count(choice), 3);
  assert.equal(await choice.getByTestId("status").textContent(), "RUNNING");
  assert.equal(await count(map), 0);

  await map.getByTestId("run").click();
  await status(map, "SUCCEEDED");
  assert.equal(await map.getByTestId("clock").textContent(), "+0:02.000", "three 1 s thumbnails, two at a time");
  assert.deepEqual(JSON.parse(await map.getByTestId("output").textContent()), {
    album: "Lisbon 2024", count: 3, thumbnails: ["thumbs/tram.jpg", "thumbs/tiles.jpg", "thumbs/river.jpg"],
  });
  await choice.getByTestId("step").click();
  assert.equal(await count(choice), 4);

  await retry.getByTestId("reset").click();
  await status(retry, "READY");
  assert.equal(await count(retry), 0);
  assert.equal(await nodeStatus(retry, "ChargeCard"), "idle");
  assert.equal(await map.getByTestId("status").textContent(), "SUCCEEDED");
  assert.equal(wasm.length, 1);
  await close();
});

test("the wasm is fetched only once an embed comes into view", async () => {
  const { page, wasm, close, choice } = await openDocs({ height: 300 });
  await page.waitForTimeout(600);
  assert.equal(wasm.length, 0, "nothing in view: no fetch");
  assert.equal(await choice.getByTestId("status").textContent(), "LOADING");
  // The graph needs no engine: it is drawn already.
  assert.equal(await nodeStatus(choice, "ChooseShipping"), "idle");
  await ready(choice);
  assert.equal(wasm.length, 1);
  await close();
});

test("src names the JSON file; autorun runs as soon as the engine is in", async () => {
  const { page, wasm, errors, close, map } = await openDocs();
  await ready(map);
  await map.getByRole("tab", { name: "Definition" }).click();
  const definition = map.getByTestId("definition-editor");
  assert.match(await definition.inputValue(), /"MaxConcurrency": 2/);
  assert.equal(await definition.getAttribute("readonly"), "", "readonly: shown, not editable");
  assert.equal(await map.getByRole("tab", { name: "Mocks" }).count(), 1, "the file's mocks are shown too");

  await append(page, { id: "auto", src: "embed/examples/map.json", autorun: "" });
  const auto = page.locator("#auto");
  await auto.scrollIntoViewIfNeeded();
  await status(auto, "SUCCEEDED");
  assert.equal(await count(auto), 29);
  assert.equal(await auto.locator('g.node[data-state="MakeThumbnail"] .badge text').textContent(), "\u00d73");
  assert.equal(await map.getByTestId("status").textContent(), "READY", "the other embed of the same file did not move");

  await append(page, { id: "missing", src: "embed/examples/nowhere.json" });
  const missing = page.locator("#missing");
  await missing.scrollIntoViewIfNeeded();
  await status(missing, "ERROR");
  assert.match(await missing.getByTestId("error").textContent(), /Could not read embed\/examples\/nowhere\.json: 404/);
  assert.equal(wasm.length, 1);
  // The browser logs the 404 itself.
  errors.splice(0, errors.length, ...errors.filter((e) => !/404/.test(e)));
  await close();
});

test("editable: an edit of the input runs another branch; a broken definition shows its diagnostics", async () => {
  const { close, choice } = await openDocs();
  await ready(choice);
  await choice.getByRole("tab", { name: "Input" }).click();
  await choice.getByTestId("input-editor").fill('{"order": {"id": "B-2", "total": 150, "country": "DE"}}');
  await choice.getByTestId("run").click();
  await status(choice, "SUCCEEDED");
  assert.equal(await nodeStatus(choice, "FreeShipping"), "succeeded");
  assert.equal(await nodeStatus(choice, "International"), "idle");

  await choice.getByTestId("input-editor").fill('{"order": ');
  await status(choice, "INVALID");
  assert.match(await choice.getByTestId("input-editor").locator("xpath=../..").getByTestId("diagnostic").textContent(), /INVALID_JSON/);

  await choice.getByTestId("input-editor").fill("{}");
  await status(choice, "READY");
  await choice.getByRole("tab", { name: "Definition" }).click();
  const editor = choice.getByTestId("definition-editor");
  await editor.fill((await editor.inputValue()).replace('"Next": "International"', '"Next": "Abroad"'));
  await status(choice, "INVALID");
  await choice.getByRole("tab", { name: "Output" }).click();
  const diagnostic = choice.getByTestId("diagnostics").getByTestId("diagnostic");
  assert.match(await diagnostic.first().textContent(), /\/States\/ChooseShipping\/Choices\/1\/Next/);
  assert.equal(await choice.locator('g.node[data-missing="Abroad"]').count(), 1, "the graph follows the edit");
  // A diagnostic shows its place in the text.
  await diagnostic.first().click();
  const selected = await editor.evaluate((t) => t.value.slice(t.selectionStart, t.selectionEnd));
  assert.equal(selected, '"Abroad"');
  assert.equal(await choice.getByTestId("step").isDisabled(), true);
  await close();
});

test("the inspector shows the Choice rule that matched", async () => {
  const { close, choice } = await openDocs();
  await ready(choice);
  await choice.getByTestId("run").click();
  await status(choice, "SUCCEEDED");
  await choice.locator('g.node[data-state="ChooseShipping"]').click();
  const inspector = choice.getByTestId("inspector");
  assert.equal(await inspector.isVisible(), true, "clicking a state opens the inspector");
  assert.equal(await inspector.locator("li.matched").getAttribute("data-rule"), "1");
  assert.equal(await inspector.getByRole("button", { name: /breakpoint/i }).count(), 0, "no breakpoints in an embed");
  await close();
});

test("a paused task is answered in the embed; names and inputs from the definition stay text", async () => {
  const { page, close } = await openDocs();
  const name = '<img src=x onerror="window.pwned=1">';
  await append(page, { id: "callback", autorun: "" }, {
    definition: { StartAt: name, States: { [name]: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", Parameters: { "MessageBody.$": "$" }, End: true } } },
    input: { note: "<script>window.pwned=2</script>" },
  });
  const embed = page.locator("#callback");
  await embed.scrollIntoViewIfNeeded();
  await status(embed, "PAUSED");
  const task = embed.getByTestId("pending-task");
  assert.equal(await task.getAttribute("data-state"), name);
  await task.locator("textarea").fill('{"ok": "<b>yes</b>"}');
  await task.getByRole("button", { name: "Send task success" }).click();
  await status(embed, "SUCCEEDED", 5000);
  assert.equal(await embed.getByTestId("output").textContent(), '{\n  "ok": "<b>yes</b>"\n}');
  assert.equal(await embed.evaluate((el) => el.shadowRoot.querySelectorAll("img, b, script").length), 0, "no markup from the data in the shadow root");
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await close();
});

test("themes: theme=dark, and without it the page's color-scheme and the system decide", async () => {
  const { page, close, choice, retry } = await openDocs({ colorScheme: "dark" });
  await ready(choice);
  const dark = (embed) => embed.locator(".frame").evaluate((f) => f.classList.contains("dark"));
  assert.equal(await dark(retry), true, 'theme="dark"');
  assert.equal(await dark(choice), false, "the docs page declares color-scheme: light");
  await page.evaluate(() => {
    const box = document.createElement("div");
    box.id = "dark-box";
    box.style.colorScheme = "light dark";
    document.querySelector("main").append(box);
  });
  await page.evaluate(() => {
    const el = document.createElement("asl-sim-embed");
    el.id = "follows";
    el.config = { definition: { StartAt: "A", States: { A: { Type: "Pass", End: true } } } };
    document.querySelector("#dark-box").append(el);
  });
  const follows = page.locator("#follows");
  assert.equal(await dark(follows), true, "a page that allows dark, on a dark system");
  await follows.evaluate((el) => el.setAttribute("theme", "light"));
  assert.equal(await dark(follows), false);
  // The colours come from the palette: a dark panel background.
  const background = await retry.locator(".frame").evaluate((f) => getComputedStyle(f).backgroundColor);
  assert.equal(background, "rgb(15, 27, 42)");
  await page.evaluate(() => document.querySelector("asl-sim-embed").style.setProperty("--asl-sim-accent", "rgb(125, 76, 197)"));
  assert.equal(await choice.getByTestId("run").evaluate((b) => getComputedStyle(b).backgroundColor), "rgb(125, 76, 197)", "--asl-sim-accent restyles it");
  await close();
});

test("the docs page shows each example's HTML exactly as written", async () => {
  const { page, close } = await openDocs();
  const snippet = page.locator('[data-snippet="map"] pre');
  await snippet.waitFor();
  assert.equal(await snippet.textContent(), '<asl-sim-embed src="embed/examples/map.json" readonly height="440"></asl-sim-embed>');
  const choice = await page.locator('[data-snippet="choice"] pre').textContent();
  assert.match(choice, /^<asl-sim-embed inspector editable height="380">\n {2}<script type="application\/json">/);
  assert.match(choice, /<\/script>\n<\/asl-sim-embed>$/);
  const source = await page.evaluate(() => fetch("embed/examples/map.json").then((r) => r.text()));
  assert.equal(await page.locator('[data-snippet="map-json"] pre').textContent(), source);
  await close();
});

test("a definition given as text is kept as written; a MockConfigFile picks its test case", async () => {
  const { page, close } = await openDocs();
  const definition = '{"StartAt": "Charge", "States": {"Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "OutputPath": "$.Payload", "End": true}}}';
  await append(page, { id: "config-file", readonly: "", "loading": "eager" }, {
    definition,
    mocks: {
      StateMachines: { Shop: { TestCases: { Happy: { Charge: "Paid" }, Sad: { Charge: "Declined" } } } },
      MockedResponses: { Paid: { 0: { Return: { Payload: { paid: true } } } }, Declined: { 0: { Throw: { Error: "Card.Declined", Cause: "no" } } } },
    },
    testCase: "Sad",
  });
  const embed = page.locator("#config-file");
  await status(embed, "READY");
  await embed.getByRole("tab", { name: "Definition" }).click();
  assert.equal(await embed.getByTestId("definition-editor").inputValue(), definition);
  await embed.getByTestId("run").click();
  await status(embed, "FAILED");
  assert.match(await embed.getByTestId("error").textContent(), /^Card\.Declined: no$/);
  // The element's script API: a new config, run from script, the status event.
  const statuses = await embed.evaluate(async (el) => {
    const seen = [];
    el.addEventListener("statuschange", (e) => seen.push(e.detail.status));
    el.config = { ...JSON.parse(JSON.stringify(el.config)), mocks: { Charge: { Return: { Payload: { paid: true } } } }, testCase: undefined };
    await el.run();
    return { seen, status: el.status, output: el.execution.output() };
  });
  assert.deepEqual(statuses, { seen: ["READY", "RUNNING", "SUCCEEDED"], status: "SUCCEEDED", output: { paid: true } });
  await close();
});
