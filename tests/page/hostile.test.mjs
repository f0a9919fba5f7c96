// Hostile cases that trap the wasm instance today, through the npm package as
// shipped (pkg/, wasm-opt'd), each in a fresh instance of its own: after a trap
// (a stack overflow, an out-of-bounds access when the shadow stack runs out) the
// instance is unusable, and even the test harness of tests/web_hostile.rs hangs
// in it, so these cases cannot share one. Each is an engine bug described in
// tests/hostile.rs, where its native twin fails too; once fixed, the case may move
// to tests/web_hostile.rs. The other hostile cases run in headless Chromium there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const module = new WebAssembly.Module(readFileSync(new URL("../../pkg/asl_sim_bg.wasm", import.meta.url)));
let instances = 0;

/** The package's API over a fresh wasm instance (a new module record each time). */
async function fresh() {
  const api = await import(`../../pkg/asl_sim.js?instance=${instances++}`);
  api.initSync({ module });
  return api;
}

/** Run `f`; a trap fails the test (an API error is fine and is returned). */
function noTrap(what, f) {
  try {
    return { value: f() };
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) {
      assert.fail(`TRAP: ${what} threw ${e.constructor.name}: ${e.message}`);
    }
    return { error: e };
  }
}

test("a fresh instance per case works", async () => {
  const { Simulator } = await fresh();
  const ex = new Simulator('{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}').start({});
  assert.equal(ex.run().status, "SUCCEEDED");
});

// BUG (engine): nesting built at run time is bounded only by the 256 KiB payload limit.
// Each turn wraps the data ten arrays deeper; stepping through it as the playground
// does, the new event's input is written as JSON text by a recursive writer, which
// overflows the stack long before the 25,000-event limit ends the loop.
test("nesting built at run time does not trap", async () => {
  const { Simulator } = await fresh();
  const ten = "States.Array(".repeat(10) + "$" + ")".repeat(10);
  const definition = JSON.stringify({
    StartAt: "Deepen",
    States: {
      Deepen: { Type: "Pass", Parameters: { "d.$": ten }, Next: "Again?" },
      "Again?": { Type: "Choice", Choices: [{ Variable: "$.stop", IsPresent: true, Next: "Done" }], Default: "Deepen" },
      Done: { Type: "Succeed" },
    },
  });
  const ex = new Simulator(definition).start({});
  for (;;) {
    const { value } = noTrap("step", () => ex.step());
    if (value.events.length === 0) break;
  }
  assert.equal(ex.status(), "FAILED");
  noTrap("history", () => ex.history());
});

// BUG (src/query/path.rs): JSONPath filters nest without a bound; the path parser
// recurses once per nested filter, and 1,000 of them (a 15 KB definition, typed into
// the playground, which validates as you type) run the wasm stack out.
test("deeply nested JSONPath filters do not trap", async () => {
  const { validate, Simulator } = await fresh();
  const filters = "$[?(@.a" + "[?(@.a".repeat(999) + ")]".repeat(1000);
  const definition = JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", Parameters: { "x.$": filters }, End: true } } });
  noTrap("validate", () => validate(definition));
  noTrap("new Simulator", () => new Simulator(definition));
});
