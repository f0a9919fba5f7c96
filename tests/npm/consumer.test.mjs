// The npm package as a user gets it: `npm pack` the built pkg/, install the
// tarball into a fresh project (offline: a tarball with no dependencies needs
// no registry), and use it there by its name, from a script of that project.
// The workflow is the Rust consumer crate's (tests/consumer), with its
// MockConfigFile: the same scenarios through the JS API.
//
//   node --test tests/npm/        (after npm run build)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const pkg = join(root, "pkg");
let dir;
let packed;

const npm = (args, cwd) =>
  execFileSync("npm", args, {
    cwd,
    encoding: "utf8",
    // A cache of its own: nothing read from or written to the user's.
    env: { ...process.env, npm_config_cache: join(dir, ".npm-cache"), npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" },
  });

before(() => {
  for (const file of ["asl_sim.js", "asl_sim_bg.wasm", "asl-sim-embed.js"]) {
    assert.ok(existsSync(join(pkg, file)), `pkg/${file} is missing: run npm run build first`);
  }
  dir = mkdtempSync(join(tmpdir(), "asl-sim-consumer-"));
  [packed] = JSON.parse(npm(["pack", pkg, "--pack-destination", dir, "--json"], dir));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "my-workflows", private: true, type: "module" }, null, 2));
  npm(["install", "--offline", "--no-audit", "--no-fund", `./${packed.filename}`], dir);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Run a script in the consumer project with plain `node`; it prints one JSON line. */
function script(name, text) {
  writeFileSync(join(dir, name), text);
  const out = execFileSync(process.execPath, [name], { cwd: dir, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").at(-1));
}

test("the tarball holds the JS API, its types, the wasm, the element and the README, and nothing else", () => {
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    "README.md", "asl-sim-embed.d.ts", "asl-sim-embed.js", "asl_sim.d.ts", "asl_sim.js", "asl_sim_bg.wasm", "asl_sim_bg.wasm.d.ts", "package.json",
  ]);
  const installed = JSON.parse(readFileSync(join(dir, "node_modules/asl-sim/package.json"), "utf8"));
  assert.equal(installed.type, "module");
  for (const entry of [installed.types, installed.exports["."].types, installed.exports["./embed"].types]) {
    assert.ok(existsSync(join(dir, "node_modules/asl-sim", entry)), `${entry} is in the package`);
  }
});

test("a project runs its workflow with a MockConfigFile through the installed package", () => {
  const result = script("order.mjs", `
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initSync, validate, Simulator } from "asl-sim";

// Node's fetch cannot read file: URLs: hand the module's bytes to initSync.
initSync({ module: readFileSync(createRequire(import.meta.url).resolve("asl-sim/asl_sim_bg.wasm")) });

const definition = ${JSON.stringify(readFileSync(join(root, "tests/consumer/order.asl.json"), "utf8"))};
const mocks = ${readFileSync(join(root, "tests/consumer/mocks.json"), "utf8")};
const input = { orderId: "o-17", items: [{ sku: "book", qty: 1 }] };
const outcome = {};
for (const testCase of ["HappyPath", "ThrottledTwice", "Declined"]) {
  const execution = new Simulator(definition, { mocks, testCase }).start(input);
  const report = execution.run({ maxSteps: 10000 });
  outcome[testCase] = { status: execution.status(), output: execution.output(), error: execution.error(), clock: report.clock,
    states: execution.history().filter((e) => e.type.endsWith("StateEntered")).map((e) => e.stateEnteredEventDetails.name) };
}
outcome.diagnostics = validate(definition).length;
console.log(JSON.stringify(outcome));
`);
  assert.equal(result.diagnostics, 0);
  assert.equal(result.HappyPath.status, "SUCCEEDED");
  assert.deepEqual(result.HappyPath.output, { trackingId: "TRK-9" });
  assert.deepEqual(result.HappyPath.states, ["ValidateOrder", "IsValid", "ChargeCard", "ShipOrder"]);
  assert.equal(result.ThrottledTwice.status, "SUCCEEDED");
  assert.equal(result.ThrottledTwice.clock, "2024-01-01T00:00:06.000Z", "two retries: 2 s, then 4 s of virtual backoff");
  assert.equal(result.Declined.status, "FAILED");
  assert.equal(result.Declined.error, "Order.PaymentDeclined");
});

test("a project runs every test case of its MockConfigFile with runTests, as a node:test suite would", () => {
  const result = script("suite.mjs", `
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initSync, runTests } from "asl-sim";
initSync({ module: readFileSync(createRequire(import.meta.url).resolve("asl-sim/asl_sim_bg.wasm")) });
const report = runTests({
  definition: ${JSON.stringify(readFileSync(join(root, "tests/consumer/order.asl.json"), "utf8"))},
  mockConfig: ${readFileSync(join(root, "tests/consumer/mocks.json"), "utf8")},
  input: { orderId: "o-17", items: [{ sku: "book", qty: 1 }] },
  expectations: { Declined: { status: "FAILED", error: "Order.PaymentDeclined" }, HappyPath: { output: { trackingId: "TRK-9" } } },
});
console.log(JSON.stringify({ passed: report.passed, failed: report.failed, names: report.cases.map((c) => c.name), missed: report.coverage.states.missed }));
`);
  assert.deepEqual(result, { passed: 4, failed: 0, names: ["HappyPath", "ThrottledTwice", "Declined", "Invalid"], missed: [] });
});

test("inline mocks, stepping, and a paused task answered by hand", () => {
  const result = script("steps.mjs", `
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { initSync, Simulator } from "asl-sim";
initSync({ module: readFileSync(createRequire(import.meta.url).resolve("asl-sim/asl_sim_bg.wasm")) });

const definition = JSON.stringify({
  StartAt: "Lookup",
  States: {
    Lookup: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "lookup" }, OutputPath: "$.Payload", Next: "Approve" },
    Approve: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", Parameters: { "MessageBody.$": "$" }, End: true },
  },
});
const execution = new Simulator(definition, { mocks: { Lookup: { Return: { user: "ada" } } } }).start();
const first = execution.step();
const paused = execution.run();
const waiting = paused.waitingFor[0];
execution.sendTaskSuccess(waiting.token, { approved: true });
const done = execution.run();
console.log(JSON.stringify({ first: first.events.map((e) => e.type), paused: paused.status, waiting: { state: waiting.state, kind: waiting.kind, input: waiting.input }, status: done.status, output: execution.output() }));
`);
  assert.deepEqual(result.first, ["TaskStateEntered"]);
  assert.equal(result.paused, "PAUSED");
  assert.deepEqual(result.waiting, { state: "Approve", kind: "taskToken", input: { MessageBody: { user: "ada" } } }, "the task's parameters");
  assert.equal(result.status, "SUCCEEDED");
  assert.deepEqual(result.output, { approved: true });
});

test("asl-sim/embed resolves to the element's module, which imports in Node without defining anything", () => {
  const result = script("embed.mjs", `
const module = await import("asl-sim/embed");
console.log(JSON.stringify({ url: import.meta.resolve("asl-sim/embed"), exports: Object.keys(module), customElements: typeof customElements }));
`);
  assert.match(result.url, /node_modules\/asl-sim\/asl-sim-embed\.js$/);
  assert.deepEqual(result.exports, ["AslSimEmbed"]);
  assert.equal(result.customElements, "undefined");
});
