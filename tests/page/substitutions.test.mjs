// The Substitutions panel: the `${KEY}` placeholders of the definition listed with editable
// values, the definition validated and run with them (unresolved ones as warnings).
import { test } from "node:test";
import assert from "node:assert/strict";
import { open, status, testid, setDefinition } from "./helpers.mjs";

const withPlaceholders = `{
  "StartAt": "W",
  "States": {
    "W": { "Type": "Wait", "Seconds": \${Wait}, "Next": "P" },
    "P": { "Type": "Pass", "Result": "\${Name}", "End": true }
  }
}`;

test("placeholders are listed, and the values typed in are substituted before the run", async () => {
  const { page, close } = await open();
  assert.equal(await testid(page, "substitutions").isHidden(), true);
  await setDefinition(page, withPlaceholders);
  await status(page, "READY");
  const inputs = testid(page, "substitution");
  assert.deepEqual(await inputs.evaluateAll((els) => els.map((e) => e.dataset.key)), ["Wait", "Name"]);
  // Unresolved: warnings, not errors; the run uses placeholders that fit (1 s, the key's name).
  assert.equal(await testid(page, "diagnostic").filter({ hasText: "DefinitionSubstitutions placeholder '${Name}'" }).count(), 1);
  await page.locator('[data-testid="substitution"][data-key="Name"]').fill("hello");
  await page.locator('[data-testid="substitution"][data-key="Wait"]').fill("5");
  await status(page, "READY");
  await testid(page, "run").click();
  await status(page, "SUCCEEDED");
  assert.equal((await testid(page, "output").textContent()).trim(), '"hello"');
  assert.match(await testid(page, "clock").textContent(), /00:00:05/);
  await close();
});
