// The test-runner benchmark: a 50-state machine (ten blocks of Task with Retry and Catch,
// Choice, two Pass branches and a recovery Pass) and a MockConfigFile of 1,000 test cases
// mixing four responses per Task (two results, a retried error, a caught failure), run by
// one whole `asl-sim test … --coverage` process. Target: under 2 s natively.
//
//   node scripts/bench-tests.mjs [CLI] [--cases N]   (default CLI: target/release/asl-sim)
// bench.mjs imports `benchTests`.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export function suiteFiles(dir, cases = 1000, blocks = 10) {
  const states = {};
  for (let i = 0; i < blocks; i++) {
    const next = i + 1 < blocks ? { Next: `T${i + 1}` } : { End: true };
    states[`T${i}`] = {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      ResultPath: "$.r",
      Retry: [{ ErrorEquals: ["Busy"], IntervalSeconds: 1, MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: `R${i}` }],
      Next: `C${i}`,
    };
    states[`C${i}`] = { Type: "Choice", Choices: [{ Variable: "$.r.Payload.k", NumericEquals: 0, Next: `A${i}` }], Default: `B${i}` };
    states[`A${i}`] = { Type: "Pass", Result: i, ResultPath: "$.a", ...next };
    states[`B${i}`] = { Type: "Pass", Result: i, ResultPath: "$.b", ...next };
    states[`R${i}`] = { Type: "Pass", Result: "recovered", ResultPath: "$.recovered", ...next };
  }
  const responses = {
    K0: { 0: { Return: { Payload: { k: 0 } } } },
    K1: { 0: { Return: { Payload: { k: 1 } } } },
    BusyThenK0: { 0: { Throw: { Error: "Busy", Cause: "try again" } }, 1: { Return: { Payload: { k: 0 } } } },
    Boom: { 0: { Throw: { Error: "Boom", Cause: "caught" } } },
  };
  const names = Object.keys(responses);
  const testCases = {};
  for (let c = 0; c < cases; c++) {
    const mapping = {};
    for (let i = 0; i < blocks; i++) mapping[`T${i}`] = names[(c + i * 7 + Math.floor(c / 4)) % names.length];
    testCases[`Case${c}`] = mapping;
  }
  mkdirSync(dir, { recursive: true });
  const definition = join(dir, "suite-definition.json");
  const mocks = join(dir, "suite-mocks.json");
  writeFileSync(definition, JSON.stringify({ StartAt: "T0", States: states }));
  writeFileSync(mocks, JSON.stringify({ StateMachines: { Suite: { TestCases: testCases } }, MockedResponses: responses }));
  return { definition, mocks, coverage: join(dir, "suite-coverage.json"), states: Object.keys(states).length };
}

/** Median wall time of `runs` whole `asl-sim test` processes, and whether every run reported `N passed, 0 failed`. */
export function benchTests(cli, dir, { cases = 1000, runs = 3 } = {}) {
  const f = suiteFiles(dir, cases);
  const walls = [];
  let ok = true;
  let last = "";
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const out = execFileSync(cli, ["test", f.definition, "--mocks", f.mocks, "--coverage", f.coverage], { maxBuffer: 1 << 26 }).toString();
    walls.push(Number(process.hrtime.bigint() - t0) / 1e6);
    last = out.trimEnd().split("\n").at(-1);
    ok &&= last === `${cases} passed, 0 failed`;
  }
  const wallMs = [...walls].sort((a, b) => a - b)[Math.floor(walls.length / 2)];
  return { wallMs, walls, ok, last, states: f.states, cases };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(new URL("..", import.meta.url).pathname);
  const args = process.argv.slice(2);
  const i = args.indexOf("--cases");
  const cases = i >= 0 ? Number(args[i + 1]) : 1000;
  const cli = args.find((a, k) => !a.startsWith("--") && args[k - 1] !== "--cases") ?? join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "release", "asl-sim");
  const r = benchTests(cli, join(root, "target", "bench"), { cases });
  console.log(`asl-sim test: ${r.cases} test cases over a ${r.states}-state machine, coverage on: ${r.wallMs.toFixed(0)} ms wall (median of ${r.walls.length}: ${r.walls.map((w) => w.toFixed(0)).join(", ")} ms; target < 2000) ${r.ok ? r.last : `WRONG: ${r.last}`}`);
  process.exit(r.ok && r.wallMs < 2000 ? 0 : 1);
}
