// The official JSONata suite (shared/conformance/jsonata/, 1,686 cases) through
// the optimised wasm build in Debian's headless Chromium: the same cases, rules
// and ignore list as the native runner, tests/jsonata_suite.rs, so that the
// two targets are held to one result.
//
// Node reads the cases; the page only evaluates them, through the package's
// `evalJsonata` (pkg/ as `npm run build` left it, loaded with `init()`), in
// batches; Node compares. The rules, as natively: deep equality (numbers by
// value, object members in any order, a top-level array in any order where the
// case says `unordered`); an expected error compares by code when ours has
// one, and any error passes when ours has none; time-boxed cases (`depth` /
// `timelimit`, expecting the suite runner's U1001) also accept D1011/D1012.
// The case's `depth` becomes `maxDepth`; every other limit is the default, as
// natively. A case's `data` goes to the page as its JSON text, cut from the case
// file, so that our parser reads it as natively (member order, large numbers).
//
// Fails when a case outside tests/jsonata-ignore.txt (or WASM_ONLY below) fails,
// or a listed case passes.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// As natively (and scripts/common.sh): relative to the checkout root.
const SHARED = resolve(ROOT, process.env.ASL_SIM_SHARED ?? "../shared");
const SUITE = join(SHARED, "conformance/jsonata");
const CASE_COUNT = 1686;
const BATCH = 100;

/** Cases that fail only in wasm, `id → reason` (none so far). Same rules as the ignore file. */
const WASM_ONLY = new Map([]);

let server;
let browser;

before(async () => {
  server = await serve({ port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** `<case id> # reason` per line; blank lines and `#` lines are comments (as in tests/jsonata_suite.rs). */
function ignoreList() {
  const path = join(ROOT, "tests/jsonata-ignore.txt");
  const out = new Map();
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((raw, n) => {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) return;
      const cut = line.indexOf(" # ");
      assert.ok(cut >= 0, `${path}:${n + 1}: an entry needs ' # reason'`);
      const id = line.slice(0, cut).trim();
      const reason = line.slice(cut + 3).trim();
      assert.ok(reason !== "", `${path}:${n + 1}: an entry needs a reason`);
      assert.ok(!out.has(id), `${path}:${n + 1}: ${id} is listed twice`);
      out.set(id, reason);
    });
  for (const [id, reason] of WASM_ONLY) {
    assert.ok(!out.has(id), `${id} is in the ignore file and in WASM_ONLY`);
    out.set(id, `(wasm only) ${reason}`);
  }
  return out;
}

/**
 * The source text of each member of each case object in a case file (one
 * object, or an array of them), `[{key: text}]`. The file is valid JSON
 * (JSON.parse read it first), so this only has to find where values end.
 */
function memberTexts(text) {
  let i = 0;
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const string = () => {
    for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    i++;
  };
  const value = () => {
    space();
    const start = i;
    if (text[i] === '"') string();
    else if (text[i] === "{" || text[i] === "[") {
      let depth = 0;
      do {
        if (text[i] === '"') {
          string();
          continue;
        }
        if (text[i] === "{" || text[i] === "[") depth++;
        else if (text[i] === "}" || text[i] === "]") depth--;
        i++;
      } while (depth > 0 && i < text.length);
    } else while (i < text.length && !",}] \t\n\r".includes(text[i])) i++;
    return text.slice(start, i);
  };
  const object = () => {
    space();
    const out = {};
    i++; // {
    space();
    if (text[i] === "}") return i++, out;
    for (;;) {
      const key = JSON.parse(value());
      space();
      i++; // :
      out[key] = value();
      space();
      if (text[i++] !== ",") return out; // }
    }
  };
  space();
  if (text[i] !== "[") return [object()];
  i++;
  space();
  const list = [];
  if (text[i] === "]") return list;
  for (;;) {
    list.push(object());
    space();
    if (text[i++] !== ",") return list;
  }
}

/**
 * Every case as the page needs it (`{id, expr, input?, bindings?, limits?}`)
 * and as Node judges it (`expect`), or `{id, fail}` when it cannot be read.
 */
function loadCases(entries) {
  const files = new Map();
  const datasets = new Map();
  const readFile = (path) => {
    if (!files.has(path)) {
      try {
        const text = readFileSync(path, "utf8");
        files.set(path, { parsed: JSON.parse(text), texts: memberTexts(text) });
      } catch (e) {
        files.set(path, { error: `cannot read ${path}: ${e.message}` });
      }
    }
    return files.get(path);
  };
  return entries.map(({ id, group, file, index = 0 }) => {
    const groupDir = join(SUITE, "groups", group);
    const content = readFile(join(groupDir, file));
    if (content.error) return { id, fail: content.error };
    const many = Array.isArray(content.parsed);
    const c = many ? content.parsed[index] : content.parsed;
    if (c === undefined) return { id, fail: `${file} has no case ${index}` };
    const texts = content.texts[many ? index : 0];

    let expr;
    if (typeof c.expr === "string") expr = c.expr;
    else if (typeof c["expr-file"] === "string") {
      try {
        expr = readFileSync(join(groupDir, c["expr-file"]), "utf8");
      } catch (e) {
        return { id, fail: `cannot read expr-file ${c["expr-file"]}: ${e.message}` };
      }
    } else return { id, fail: "the case has no expression" };

    const run = { id, expr };
    if ("data" in c) run.input = texts.data;
    else if (typeof c.dataset === "string") {
      const path = join(SUITE, "datasets", `${c.dataset}.json`);
      if (!datasets.has(path)) {
        try {
          datasets.set(path, readFileSync(path, "utf8"));
        } catch (e) {
          return { id, fail: `cannot read ${path}: ${e.message}` };
        }
      }
      run.input = datasets.get(path);
    } // else no input at all: JSONata's undefined
    if (c.bindings !== null && typeof c.bindings === "object" && !Array.isArray(c.bindings)) run.bindings = c.bindings;
    if (Number.isInteger(c.depth)) run.limits = { maxDepth: c.depth };

    const code = typeof c.code === "string" ? c.code : typeof c.error?.code === "string" ? c.error.code : undefined;
    run.expect = {
      code,
      timeboxed: "depth" in c || "timelimit" in c,
      unordered: c.unordered === true,
      undefinedResult: c.undefinedResult === true,
      hasResult: "result" in c,
      result: c.result,
    };
    return run;
  });
}

/** JSON equality as natively: numbers by value, object members in any order. */
function equal(a, b) {
  if (a === b) return true; // also 0 and -0, as f64 comparison
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
}

/** `unordered` compares a top-level array as a multiset. */
function same(actual, expected, unordered) {
  if (unordered && Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) return false;
    const left = [...actual];
    return expected.every((x) => {
      const i = left.findIndex((y) => equal(y, x));
      if (i < 0) return false;
      left.splice(i, 1);
      return true;
    });
  }
  return equal(actual, expected);
}

function short(outcome) {
  let s = outcome && "result" in outcome ? JSON.stringify(outcome.result) : "undefined";
  if (s.length > 200) s = s.slice(0, 200) + "…";
  return s;
}

/** What the page said for one case → null (pass) or why it failed. */
function judge(expect, out) {
  if (out.trap !== undefined) return `threw ${out.trap}`;
  const got = out.error ? out.error.code ?? `(no code) ${out.error.message}` : undefined;
  if (expect.code !== undefined) {
    if (got === undefined) return `expected error ${expect.code}, got ${short(out)}`;
    const limitCodes = ["U1001", "D1011", "D1012"];
    if (got === expect.code || got.startsWith("(no code)") || (expect.timeboxed && expect.code === "U1001" && limitCodes.includes(got)))
      return null;
    return `expected error ${expect.code}, got error ${got}`;
  }
  if (got !== undefined) return `unexpected error ${got}`;
  if (expect.undefinedResult) return out.undefined === true ? null : `expected undefined, got ${short(out)}`;
  if (expect.hasResult) {
    if ("result" in out && same(out.result, expect.result, expect.unordered)) return null;
    return `expected ${short({ result: expect.result })}, got ${short(out)}`;
  }
  return "the case expects nothing known";
}

/** A page with the package loaded (`init()`), on the dev server's origin. */
async function openPage() {
  const page = await browser.newPage();
  const url = `${server.url.replace(/\/$/, "")}/jsonata-suite.html`;
  await page.route(url, (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><title>jsonata suite</title>" }));
  await page.goto(url);
  await page.evaluate(async () => {
    const pkg = await import("/pkg/asl_sim.js");
    await pkg.default();
    window.evalJsonata = pkg.evalJsonata;
  });
  return page;
}

/**
 * Evaluate `cases` in the page, in order. A throw that is not the API's own
 * (no `code`: a trap, such as a stack overflow) may leave the module unusable,
 * so the batch stops there and the rest run in a fresh page.
 */
async function evaluateAll(cases, onTrap) {
  const outcomes = [];
  let page = await openPage();
  while (outcomes.length < cases.length) {
    const batch = cases.slice(outcomes.length, outcomes.length + BATCH).map(({ expr, input, bindings, limits }) => ({ expr, input, bindings, limits }));
    const { results, broken } = await page.evaluate((batch) => {
      const results = [];
      for (const c of batch) {
        try {
          results.push(window.evalJsonata(c.expr, c.input, c.bindings, c.limits));
        } catch (e) {
          results.push({ trap: `${e?.name ?? "?"}${e?.code ? ` (${e.code})` : ""}: ${e?.message ?? e}` });
          if (!e?.code) return { results, broken: true };
        }
      }
      return { results, broken: false };
    }, batch);
    outcomes.push(...results);
    if (broken) {
      onTrap(cases[outcomes.length - 1].id, results[results.length - 1].trap);
      await page.close();
      page = await openPage();
    }
  }
  await page.close();
  return outcomes;
}

test("the official JSONata suite through evalJsonata in Chromium", { timeout: 300_000 }, async () => {
  const manifestPath = join(SUITE, "manifest.json");
  if (!existsSync(manifestPath))
    throw new Error(`the JSONata suite is missing: no ${manifestPath} (set ASL_SIM_SHARED to the shared folder)`);
  const started = performance.now();
  const entries = JSON.parse(readFileSync(manifestPath, "utf8")).cases;
  assert.ok(Array.isArray(entries), "manifest.json has no cases");
  assert.equal(entries.length, CASE_COUNT, `the suite should have ${CASE_COUNT} cases`);
  const ignored = ignoreList();
  const cases = loadCases(entries);
  const runnable = cases.filter((c) => c.fail === undefined);
  const traps = [];
  const outcomes = await evaluateAll(runnable, (id, trap) => traps.push(`${id}: ${trap}`));
  const outcome = new Map(runnable.map((c, i) => [c.id, judge(c.expect, outcomes[i])]));

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const report = [];
  for (const c of cases) {
    const why = c.fail ?? outcome.get(c.id);
    const reason = ignored.get(c.id);
    if (why === null && reason === undefined) passed++;
    else if (why === null) {
      failed++;
      report.push(`${c.id}: passes, but the ignore list says: ${reason}`);
    } else if (reason !== undefined) skipped++;
    else {
      failed++;
      report.push(`${c.id}: ${why}`);
    }
  }
  const seen = new Set(cases.map((c) => c.id));
  for (const id of ignored.keys())
    if (!seen.has(id)) {
      failed++;
      report.push(`${id}: on the ignore list but not in the suite`);
    }

  for (const line of report) console.log(`FAIL ${line}`);
  for (const line of traps) console.log(`(page reloaded after ${line})`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`jsonata suite (wasm, Chromium): ${passed} passed, ${failed} failed, ${skipped} ignored of ${CASE_COUNT} (${seconds} s)`);
  assert.deepEqual(report, [], `${report.length} unexpected results`);
});

test("evalJsonata: the outcomes, {% %}, no input vs null, bindings, limits, clock, seed, JSON text, positions, misuse", async () => {
  const page = await openPage();
  const r = await page.evaluate(() => {
    const f = window.evalJsonata;
    const thrown = (fn) => {
      try {
        fn();
        return "no throw";
      } catch (e) {
        return e.code;
      }
    };
    return {
      result: f("{% $sum(a) & ' at ' & $now() %}", '{"a": [1, 2]}'),
      value: f("$.b", { b: { c: [true, null] } }),
      noInput: f("$"),
      nullInput: f("$", null),
      nullText: f("$", "null"),
      binding: f("$s & $n", undefined, { s: "text", n: 1 }),
      syntax: f("1 +"),
      coalescing: f("$x ?? 1"),
      type: f("1 + 'a'"),
      depth: f("( $f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100) )", undefined, null, { maxDepth: 50 }),
      steps: f("( $f := function($n){ $f($n) }; $f(1) )", undefined, undefined, { maxSteps: 10 }),
      random: [f("$random()"), f("$random()")],
      clock: [f("$now()", undefined, null, { now: "2024-05-06T07:08:09.010Z" }), f("$millis()", undefined, null, { now: 5 }), f("$now()", undefined, null, { now: new Date(0) })],
      seeded: [f("$uuid()", undefined, null, { seed: 7 }), f("$uuid()", undefined, null, { seed: 7n }), f("$uuid()")],
      json: f("{'b': 1, '1': [2, 9007199254740993]}", undefined, null, { json: true }),
      asValue: f("{'b': 1, '1': 2}"),
      positions: ["1 + )", "  {% (1 + ) %}", "\u00e9 + ]", "(\n  $x := 1;\n  $x + )", "$a ?? 1", "[1, 2"].map((e) => f(e).error.position),
      noPosition: "position" in f("1 + 'a'").error,
      badNow: thrown(() => f("1", undefined, undefined, { now: "yesterday" })),
      badSeed: thrown(() => f("1", undefined, undefined, { seed: -1 })),
      badJson: thrown(() => f("1", undefined, undefined, { json: "yes" })),
      badBindings: thrown(() => f("1", undefined, [1])),
      badInput: thrown(() => f("1", "{")),
      badLimit: thrown(() => f("1", undefined, undefined, { depth: 1 })),
      negativeLimit: thrown(() => f("1", undefined, undefined, { maxSteps: -1 })),
    };
  });
  await page.close();
  assert.deepEqual(r.result, { result: "3 at 2024-01-01T00:00:00.000Z" });
  assert.deepEqual(r.value, { result: { c: [true, null] } });
  // A failure also says what a state's field (and `asl-sim eval`) would fail with: the engine's texts.
  assert.deepEqual(r.noInput, { undefined: true, failure: { error: "States.QueryEvaluationError", cause: "The JSONata expression '$' returned nothing (undefined)." } });
  assert.deepEqual(r.syntax.failure, { error: "States.QueryEvaluationError", cause: "The JSONata expression '1 +' is invalid: S0207: Unexpected end of expression" });
  assert.equal(r.type.failure.cause, `The JSONata expression '1 + 'a'' threw an error during evaluation. ${r.type.error.message}`);
  assert.equal(r.result.failure, undefined, "a result is not a failure");
  assert.deepEqual(r.nullInput, { result: null });
  assert.deepEqual(r.nullText, { result: null });
  assert.deepEqual(r.binding, { result: "text1" });
  assert.equal(r.syntax.error.code, "S0207");
  assert.equal(r.coalescing.error.code, "S0201");
  assert.equal(r.type.error.code, "T2002");
  assert.match(r.type.error.message, /T2002/);
  assert.equal(r.depth.error.code, "D1011");
  assert.equal(r.steps.error.code, "D1012");
  assert.equal(typeof r.random[0].result, "number");
  assert.deepEqual(r.random[0], r.random[1], "seeded: the same on every call");
  assert.deepEqual(r.clock, [{ result: "2024-05-06T07:08:09.010Z" }, { result: 5 }, { result: "1970-01-01T00:00:00.000Z" }]);
  assert.deepEqual(r.seeded[0], r.seeded[1], "a seed as a number or a bigint");
  assert.notDeepEqual(r.seeded[0], r.seeded[2], "seed 7 is not seed 0");
  // JSON text keeps the key order, which a JS object cannot (it puts integer-like keys first).
  assert.equal(typeof r.json.json, "string");
  assert.match(r.json.json, /^\{"b":1,"1":\[2,/);
  assert.deepEqual(Object.keys(r.asValue.result), ["1", "b"], "a JS object moves integer-like keys first");
  // UTF-16 offsets in the text as passed: {% and spaces count, so does é (one unit).
  assert.deepEqual(r.positions, [4, 10, 4, 20, 3, 5]);
  assert.equal(r.noPosition, false, "an evaluation error has no position");
  assert.deepEqual([r.badNow, r.badSeed, r.badJson], ["INVALID_OPTION", "INVALID_OPTION", "INVALID_OPTION"]);
  assert.deepEqual(
    [r.badBindings, r.badInput, r.badLimit, r.negativeLimit],
    ["INVALID_OPTION", "INVALID_JSON", "INVALID_OPTION", "INVALID_OPTION"],
  );
});
