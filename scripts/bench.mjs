// `npm run bench`: the machines of ../shared/bench (ASL_SIM_SHARED), natively (the CLI's
// `bench` command: parse + validate + run with history recorded, the same code path as
// `run`) and as wasm under Node (the pkg/ JS API, one child process per run so that peak
// memory is per run). Each run's output and transition count are checked against the
// formulas in the bench README; sizes are chosen so a run lasts at least a second.
// Then pass_loop at N = 1,000,000 as one whole `asl-sim run` process, start-up included,
// against aws-local-stepfunctions run here and now; and dmap_jsonl, a distributed Map over
// 100,000 JSONL items from the in-memory S3 in batches of 100, also as one whole process.
//
// Every figure is the median of --runs runs (default 3), each run checked: on this VM a
// run's first touch of fresh memory can cost it a second in the kernel.
//
//   node scripts/bench.mjs [--only NAME] [--skip-wasm] [--skip-peer] [--scale F]
//                          [--runs K] [--peer-n N]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { benchTests } from "./bench-tests.mjs";

const root = resolve(new URL("..", import.meta.url).pathname);
const shared = resolve(root, process.env.ASL_SIM_SHARED ?? "../shared");
const benchDir = join(shared, "bench");
if (!existsSync(join(benchDir, "gen.py"))) {
  console.error(`bench data not found at ${benchDir} (set ASL_SIM_SHARED to the shared folder)`);
  process.exit(1);
}
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = opt("--only");
const scale = Number(opt("--scale") ?? "1");
const runs = Math.max(1, Number(opt("--runs") ?? "3"));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const target = process.env.CARGO_TARGET_DIR ?? join(root, "target");
const cli = join(target, "release", "asl-sim");
const work = join(target, "bench");
mkdirSync(work, { recursive: true });

// Sizes: about 1 s or more natively on a 2-core machine (wasm takes longer).
const sizes = { pass_loop: 600000, map_fanout: 30000, data_heavy: 50000, retry_backoff: 100000, parallel_nested: 12000 };
// map_fanout cannot grow past ~35,000 items (AWS's 256 KiB payload limit on the Map's output),
// so it runs several times over to last a second.
const repeats = { map_fanout: 10 };
const expectedTransitions = {
  pass_loop: (n) => 3 * n + 3,
  map_fanout: (n) => 3 * n + 2,
  data_heavy: (n) => 4 * n + 3,
  retry_backoff: (n) => 3 * n + 3,
  parallel_nested: (n, m = 10) => n * (3 + 8 * (2 * m + 3)) + 3,
};
const expectedOutput = {
  pass_loop: (n) => ({ i: n, n, last: { tick: true } }),
  map_fanout: (n) => ({ count: n, items: n, first: "S", second: "S" }),
  data_heavy: (n) => ({ i: n, lastLabel: `iteration ${n - 1} of ${n} for bench-payload`, lastStatus: "ok:200", records: 200 }),
  retry_backoff: (n) => ({ i: n, n, result: { ok: true, iteration: n - 1 } }),
  parallel_nested: (n) => ({ i: n, n, m: 10, par: { done: 8, b0: 10 } }),
};

function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}
const same = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

function generate(name, n) {
  const dir = join(work, `${name}-${n}`);
  if (!existsSync(join(dir, name, "input.json"))) {
    execFileSync("python3", [join(benchDir, "gen.py"), "--out", dir, "--bench", name, "--n", String(n)]);
  }
  const d = join(dir, name);
  const mocks = join(d, "mocks.json");
  return { definition: join(benchDir, name, "definition.json"), input: join(d, "input.json"), mocks: existsSync(mocks) ? mocks : null };
}

function check(name, n, result) {
  const problems = [];
  if (result.status !== "SUCCEEDED") problems.push(`status ${result.status} (${result.error}: ${result.cause})`);
  if (result.transitions !== expectedTransitions[name](n)) problems.push(`transitions ${result.transitions}, expected ${expectedTransitions[name](n)}`);
  if (!same(result.output, expectedOutput[name](n))) problems.push(`output ${JSON.stringify(result.output).slice(0, 200)}`);
  return problems;
}

const rows = [];
let failures = 0;
// `results`: one parsed result per run; the run with the median time is the one reported.
function report(engine, name, n, results) {
  const checked = results.map((r) => check(name, n, r));
  const problems = [...new Set(checked.flat())];
  failures += problems.length ? 1 : 0;
  const byTime = [...results].sort((a, b) => a.elapsed_ms - b.elapsed_ms);
  const r = byTime[Math.floor(byTime.length / 2)];
  const each = results.length > 1 ? `, median of ${results.map((x) => x.elapsed_ms.toFixed(0)).join(" / ")} ms` : "";
  const total = r.total_transitions ?? r.transitions;
  const rate = total / (r.elapsed_ms / 1000);
  rows.push({ engine, name, n, transitions: r.transitions, ms: r.elapsed_ms, rate, peakMiB: r.peak_rss_kib / 1024, ok: problems.length === 0 });
  const runs = (r.runs ?? 1) > 1 ? ` (${r.runs} runs)` : "";
  console.log(
    `${engine.padEnd(6)} ${name.padEnd(16)} N=${String(n).padEnd(8)} ${String(total).padStart(9)} transitions${runs} in ${r.elapsed_ms.toFixed(0).padStart(6)} ms = ${Math.round(rate).toLocaleString("en-US").padStart(11)} /s, peak ${(r.peak_rss_kib / 1024).toFixed(0)} MiB${each}${problems.length ? "  WRONG: " + problems.join("; ") : ""}`,
  );
}

console.log(`building the release CLI${args.includes("--skip-wasm") ? "" : " (pkg/ must be built: npm run build)"}…`);
execFileSync("cargo", ["build", "--release", "--bin", "asl-sim"], { cwd: root, stdio: "inherit" });

for (const name of Object.keys(sizes)) {
  if (only && only !== name) continue;
  const n = Math.max(1, Math.round(sizes[name] * scale));
  const f = generate(name, n);
  const a = ["bench", "--definition", f.definition, "--input", f.input, "--max-events", "1000000000", "--repeat", String(repeats[name] ?? 1)];
  if (f.mocks) a.push("--mocks", f.mocks);
  const native = [];
  for (let i = 0; i < runs; i++) native.push(JSON.parse(execFileSync(cli, a, { maxBuffer: 1 << 26 }).toString()));
  report("native", name, n, native);
  if (!args.includes("--skip-wasm")) {
    const wasm = [];
    for (let i = 0; i < runs; i++) {
      const w = spawnSync(process.execPath, [join(root, "scripts", "bench-wasm.mjs"), f.definition, f.input, f.mocks ?? "", String(repeats[name] ?? 1)], { maxBuffer: 1 << 26 });
      if (w.status !== 0) {
        console.log(`wasm   ${name}: failed: ${w.stderr.toString().slice(0, 500)}`);
        failures++;
        break;
      }
      wasm.push(JSON.parse(w.stdout.toString()));
    }
    if (wasm.length === runs) report("wasm", name, n, wasm);
  }
}

// One whole process at N = 1,000,000, start-up included, against aws-local-stepfunctions.
if (!only || only === "pass_loop") {
  const n = 1000000;
  const f = generate("pass_loop", n);
  // The median of several runs: one run on a shared machine can be a second off.
  const walls = [];
  let r;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const out = execFileSync(cli, ["run", f.definition, "--input", f.input, "--max-events", "1000000000"], { maxBuffer: 1 << 26 }).toString();
    walls.push(Number(process.hrtime.bigint() - t0) / 1e6);
    r = JSON.parse(out);
  }
  const wallMs = median(walls);
  const ok = r.status === "SUCCEEDED" && r.transitions === expectedTransitions.pass_loop(n) && same(r.output, expectedOutput.pass_loop(n));
  failures += ok ? 0 : 1;
  const ours = r.transitions / (wallMs / 1000);
  console.log(`\nwhole process: asl-sim run pass_loop N=${n}: ${r.transitions} transitions in ${wallMs.toFixed(0)} ms wall (median of ${runs}: ${walls.map((w) => w.toFixed(0)).join(", ")} ms) = ${Math.round(ours).toLocaleString("en-US")} /s${ok ? "" : "  WRONG"}`);
  if (!args.includes("--skip-peer")) {
    const peer = peerRate();
    if (peer) {
      const ratio = ours / peer.rate;
      console.log(`aws-local-stepfunctions ${peer.version}, pass_loop N=${peer.n}, whole process: ${Math.round(peer.rate).toLocaleString("en-US")} /s (median of ${runs}: ${peer.walls.map((w) => w.toFixed(0)).join(", ")} ms) → asl-sim is ${ratio.toFixed(1)}× its rate (target ≥ 46×)`);
    }
  }
}

// The users' test runner: 1,000 test cases over a 50-state machine in one `asl-sim test` process.
if (!only || only === "test_suite") {
  const r = benchTests(cli, work, { runs });
  const ok = r.ok && r.wallMs < 2000;
  failures += ok ? 0 : 1;
  console.log(`\nwhole process: asl-sim test, ${r.cases} test cases over a ${r.states}-state machine, coverage on: ${r.wallMs.toFixed(0)} ms wall (median of ${runs}: ${r.walls.map((w) => w.toFixed(0)).join(", ")} ms; target < 2000)${r.ok ? "" : `  WRONG: ${r.last}`}`);
}

// A distributed Map over 100,000 JSONL items read from the in-memory S3 (`--s3`), in
// batches of 100 (1,000 child executions), as one whole `asl-sim run` process.
if (!only || only === "dmap_jsonl") {
  const n = Math.max(100, Math.round(100000 * scale));
  const dir = join(work, `dmap_jsonl-${n}`);
  mkdirSync(dir, { recursive: true });
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ id: i, name: `item-${i}`, value: i % 97 })).join("\n") + "\n";
  writeFileSync(join(dir, "s3.json"), JSON.stringify({ "bench-bucket": { "items.jsonl": lines } }));
  const definition = {
    StartAt: "Fanout",
    States: {
      Fanout: {
        Type: "Map",
        ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "JSONL" }, Parameters: { Bucket: "bench-bucket", Key: "items.jsonl" } },
        ItemBatcher: { MaxItemsPerBatch: 100 },
        ItemProcessor: {
          ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" },
          StartAt: "Count",
          States: { Count: { Type: "Pass", Parameters: { "n.$": "States.ArrayLength($.Items)" }, End: true } },
        },
        ResultSelector: { "batches.$": "States.ArrayLength($)" },
        End: true,
      },
    },
  };
  writeFileSync(join(dir, "definition.json"), JSON.stringify(definition));
  const walls = [];
  let r;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    r = JSON.parse(execFileSync(cli, ["run", join(dir, "definition.json"), "--s3", join(dir, "s3.json")], { maxBuffer: 1 << 26 }).toString());
    walls.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const batches = Math.ceil(n / 100);
  const ok = r.status === "SUCCEEDED" && same(r.output, { batches }) && r.transitions === batches + 1;
  failures += ok ? 0 : 1;
  console.log(`\nwhole process: asl-sim run dmap_jsonl N=${n} (MaxItemsPerBatch 100, ${batches} child executions): ${median(walls).toFixed(0)} ms wall (median of ${runs}: ${walls.map((w) => w.toFixed(0)).join(", ")} ms; target < 1000 ms)${ok ? "" : `  WRONG: ${JSON.stringify(r).slice(0, 200)}`}`);
}

console.log(failures ? `\n${failures} benchmark run(s) gave a wrong result` : "\nevery run gave the expected output and transition count");
process.exit(failures ? 1 : 0);

// aws-local-stepfunctions from the npm registry, installed on first use beside the bench
// data (not a dependency of the project), run as one process the same way.
function peerRate() {
  const dir = join(work, "peer");
  const version = "3.0.0"; // the only version this registry serves (the README measured 2.0.1)
  if (!existsSync(join(dir, "node_modules", "aws-local-stepfunctions"))) {
    mkdirSync(dir, { recursive: true });
    const r = spawnSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir, `aws-local-stepfunctions@${version}`], { stdio: "inherit" });
    if (r.status !== 0) {
      console.log("could not install aws-local-stepfunctions; skipping the comparison");
      return null;
    }
  }
  const n = Number(opt("--peer-n") ?? "100000");
  const f = generate("pass_loop", n);
  const script = `
    import { StateMachine } from "aws-local-stepfunctions";
    import { readFileSync } from "node:fs";
    const def = JSON.parse(readFileSync(${JSON.stringify(f.definition)}, "utf8"));
    const input = JSON.parse(readFileSync(${JSON.stringify(f.input)}, "utf8"));
    const sm = new StateMachine(def);
    const out = await sm.run(input).result;
    console.log(JSON.stringify(out));`;
  const walls = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: dir, maxBuffer: 1 << 26 });
    walls.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) {
      console.log(`aws-local-stepfunctions failed: ${r.stderr.toString().slice(0, 400)}`);
      return null;
    }
    const out = JSON.parse(r.stdout.toString());
    if (!same(out, expectedOutput.pass_loop(n))) console.log(`aws-local-stepfunctions gave ${JSON.stringify(out)}`);
  }
  const wallMs = median(walls);
  return { n, version, walls, rate: expectedTransitions.pass_loop(n) / (wallMs / 1000) };
}
