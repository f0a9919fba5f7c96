// Screenshots of the playground for the README (docs/) and for looking at
// the page (target/screenshots/): the default example paused at its approval,
// the inspector, the JSONata scratch panel, light and dark, 1280×720 and a
// narrow phone screen.
//
// Then the embeds' docs page (www/embed.html): docs/embed.png, and a dark one and
// the whole page in target/screenshots/.
//
//   node tests/page/screenshots.mjs          (after npm run build)
//   node tests/page/screenshots.mjs embed    (the embed's alone)
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

// As in helpers.mjs (not imported: it registers node:test hooks).
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const root = new URL("../../", import.meta.url);
const docs = new URL("docs/", root).pathname;
const more = new URL("target/screenshots/", root).pathname;
mkdirSync(more, { recursive: true });

const server = await serve({ port: 0 });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ARGS });

/** What the scratch panel shows in its screenshots: CreateAccount's run, AWS's functions, a variable. */
const SCRATCH = {
  expression: "{% {\n  'account': $states.result.Payload.accountId,\n  'customer': $states.input.customerId,\n  'region': $region,\n  'files': $partition($states.input.documents, 1),\n  'at': $now(),\n  'id': $uuid()\n} %}",
  variables: '{"region": "eu-west-1"}',
};

async function shot(path, { width = 1280, height = 720, colorScheme = "light", inspect, fullPage = false, timeline = false, approve = false, jsonata = null, clip = null } = {}) {
  const page = await browser.newPage({ viewport: { width, height }, colorScheme, deviceScaleFactor: width < 600 ? 2 : 1 });
  await page.goto(`${server.url}www/`);
  await page.waitForFunction(() => window.aslSim?.readyAt !== undefined);
  await page.getByTestId("run").click();
  await page.getByTestId("status").filter({ hasText: "PAUSED" }).waitFor();
  if (approve) {
    await page.getByTestId("pending-task").getByRole("button", { name: "Send task success" }).click();
    await page.getByTestId("status").filter({ hasText: "SUCCEEDED" }).waitFor();
  }
  if (inspect) await page.locator(`g.node[data-state="${inspect}"]`).click();
  if (timeline) await page.locator("#tab-timeline").click();
  if (jsonata) {
    await page.locator("#tab-jsonata").click();
    await page.evaluate((state) => window.aslSim.setJsonata(state), jsonata);
    await page.waitForFunction((e) => document.getElementById("jsonata-panel").dataset.shown === e, jsonata.expression);
  }
  await page.waitForTimeout(150);
  if (clip) await page.locator(clip).screenshot({ path });
  else await page.screenshot({ path, fullPage });
  console.log(path);
  await page.close();
}

/** One embed of the docs page (0 Choice, 1 Retry, 2 Map), run, with a state inspected. */
async function embedShot(path, { index, inspect, section, fullPage = false }) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(`${server.url}www/embed.html`);
  const embed = page.locator("asl-sim-embed").nth(index);
  await embed.scrollIntoViewIfNeeded();
  await embed.getByTestId("status").filter({ hasText: /^READY$/ }).waitFor();
  await embed.getByTestId("run").click();
  await embed.getByTestId("status").filter({ hasText: /^SUCCEEDED$/ }).waitFor();
  if (inspect) await embed.locator(`g.node[data-state="${inspect}"]`).click();
  if (section) await embed.getByTestId("inspector").locator(`[data-section="${section}"]`).evaluate((e) => e.scrollIntoView({ block: "start" }));
  await page.waitForTimeout(150);
  if (fullPage) await page.screenshot({ path, fullPage: true });
  else await embed.screenshot({ path });
  console.log(path);
  await page.close();
}

if (process.argv[2] !== "embed") {
  await shot(`${docs}playground.png`, { timeline: true });
  await shot(`${docs}inspector.png`, { inspect: "CreateAccount", approve: true, width: 1280, height: 900 });
  await shot(`${docs}jsonata.png`, { inspect: "CreateAccount", jsonata: SCRATCH, width: 1440, height: 900 });
  await shot(`${more}dark.png`, { colorScheme: "dark", inspect: "SendWelcomeEmail" });
  await shot(`${more}jsonata-dark.png`, { colorScheme: "dark", inspect: "CreateAccount", jsonata: SCRATCH });
  await shot(`${more}jsonata-error.png`, { inspect: "CreateAccount", jsonata: { expression: "$states.input.customerId &", variables: "" }, clip: ".bottom" });
  await shot(`${more}jsonata-narrow.png`, { width: 390, height: 844, inspect: "CreateAccount", jsonata: SCRATCH, clip: ".bottom" });
  await shot(`${more}narrow.png`, { width: 390, height: 844, fullPage: true });
  await shot(`${more}narrow-dark.png`, { width: 390, height: 844, colorScheme: "dark" });
}
await embedShot(`${docs}embed.png`, { index: 0, inspect: "ChooseShipping", section: "Choice rules" });
await embedShot(`${more}embed-dark.png`, { index: 1, inspect: "ChargeCard", section: "Attempts" });
await embedShot(`${more}embed-page.png`, { index: 2, fullPage: true });
await browser.close();
await server.close();
