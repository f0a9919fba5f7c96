// Hostile cases that trapped the wasm instance, or still do, through the npm
// package as shipped (pkg/, wasm-opt'd), each in a fresh instance of its own:
// after a trap (a stack overflow, an out-of-bounds access when the shadow stack
// runs out) the instance is unusable, and even the test harness of
// tests/web_hostile.rs hangs in it, so these cases cannot share one. Each is an
// engine bug described in tests/hostile.rs, where its native twin is; the other
// hostile cases run in headless Chromium in tests/web_hostile.rs.
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

const ten = (inner) => "States.Array(".repeat(10) + inner + ")".repeat(10);
const loop = (deepen) =>
  JSON.stringify({
    StartAt: "Init",
    States: {
      Init: { Type: "Pass", Assign: { v: [] }, Next: "Deepen" },
      Deepen: { Type: "Pass", ...deepen, Next: "Again?" },
      "Again?": { Type: "Choice", Choices: [{ Variable: "$.stop", IsPresent: true, Next: "Done" }], Default: "Deepen" },
      Done: { Type: "Succeed" },
    },
  });

/** Step to the end as the playground does, reading each event. */
function stepThrough(ex) {
  for (;;) {
    const { value } = noTrap("step", () => ex.step());
    if (value.events.length === 0) break;
  }
  noTrap("history", () => ex.history());
}

// Was a bug (fixed in 17fd24f): each turn wraps the data ten arrays deeper; the new
// event's input, written as JSON text by a recursive writer, overflowed the stack
// long before the 25,000-event limit ended the loop. Now the state fails at 512 levels.
test("nesting built at run time does not trap", async () => {
  const { Simulator } = await fresh();
  const ex = new Simulator(loop({ Parameters: { "d.$": ten("$") } })).start({});
  stepThrough(ex);
  assert.equal(ex.status(), "FAILED");
  assert.equal(ex.error(), "States.DataLimitExceeded");
});

// BUG (engine, `assign`): a variable assigned with JSONPath is not held to the depth
// bound; each turn wraps $v ten arrays deeper, and writing the StateExited event's
// assignedVariables overflows the stack.
test("variables built at run time do not trap", async () => {
  const { Simulator } = await fresh();
  const ex = new Simulator(loop({ Assign: { "v.$": ten("$v") } })).start({});
  stepThrough(ex);
  assert.equal(ex.status(), "FAILED");
});

// Was a bug (fixed in 17fd24f: filters nest at most 64 deep): the path parser
// recursed once per nested filter, and 1,000 of them (a 15 KB definition, typed into
// the playground, which validates as you type) ran the wasm stack out.
test("deeply nested JSONPath filters do not trap", async () => {
  const { validate, Simulator } = await fresh();
  const filters = "$[?(@.a" + "[?(@.a".repeat(999) + ")]".repeat(1000);
  const definition = JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", Parameters: { "x.$": filters }, End: true } } });
  noTrap("validate", () => validate(definition));
  noTrap("new Simulator", () => new Simulator(definition));
});

// BUG (src/query/path.rs): a long && chain builds a left-deep tree that is evaluated
// and dropped recursively; 10,000 terms (a 120 KB definition) overflow the stack.
test("a JSONPath filter of 10,000 && terms does not trap", async () => {
  const { validate, Simulator } = await fresh();
  const path = "$[?(" + Array(10_000).fill("@.a == 1").join(" && ") + ")]";
  const definition = JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", Parameters: { "x.$": path }, End: true } } });
  noTrap("validate", () => validate(definition));
  const { value: sim } = noTrap("new Simulator", () => new Simulator(definition));
  if (sim) noTrap("run", () => sim.start({ a: [{ a: 1 }] }).run());
});

// BUG (src/wasm.rs, evalJsonata): a caller may raise `maxDepth` without bound, and a
// recursion then runs the browser's stack out before the limit is reached (the
// TypeScript doc says so: "from about 450"). An absurd option value should be refused
// (INVALID_OPTION above a measured safe bound) or clamped, never trap the instance.
test("evalJsonata with a huge maxDepth does not trap", async () => {
  const { evalJsonata } = await fresh();
  const recursion = "($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(100000))";
  noTrap("evalJsonata", () => evalJsonata(recursion, null, null, { maxDepth: 1_000_000 }));
});
