// One benchmark run through the wasm build in Node (pkg/, initSync), printing the
// runner contract's JSON line: parse + validate + run with history recorded.
//   node scripts/bench-wasm.mjs DEFINITION INPUT [MOCKS]
import { readFileSync } from "node:fs";
import { initSync, Simulator } from "../pkg/asl_sim.js";

initSync({ module: readFileSync(new URL("../pkg/asl_sim_bg.wasm", import.meta.url)) });
const [definitionPath, inputPath, mocksPath, repeatArg] = process.argv.slice(2);
const repeat = Math.max(1, Number(repeatArg ?? "1"));
const definition = readFileSync(definitionPath, "utf8");
const input = readFileSync(inputPath, "utf8");
const mocks = mocksPath ? JSON.parse(readFileSync(mocksPath, "utf8")) : undefined;

const t0 = performance.now();
let ex, report;
let total = 0;
for (let i = 0; i < repeat; i++) {
  const sim = new Simulator(definition, { mocks, maxEvents: 1e9 });
  ex = sim.start(input);
  do {
    report = ex.run({ maxSteps: 1e6 });
  } while (report.status === "RUNNING");
  total += ex.transitions();
  if (i + 1 < repeat) {
    ex.free();
    sim.free();
  }
}
const elapsed = performance.now() - t0;
console.log(
  JSON.stringify({
    status: ex.status(),
    output: ex.output(),
    error: ex.error(),
    cause: ex.cause(),
    transitions: ex.transitions(),
    total_transitions: total,
    runs: repeat,
    events: report.eventCount,
    elapsed_ms: elapsed,
    peak_rss_kib: process.resourceUsage().maxRSS,
  }),
);
