// The page's pure modules in Node, against the engine in pkg/: reading a
// history into state runs and statuses (trace.js), and the URL state (share.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { initSync, Simulator, defaults } from "../../pkg/asl_sim.js";
import { Trace } from "../../www/src/trace.js";
import { EXAMPLES } from "../../www/src/examples.js";
import { DEFAULTS } from "../../www/src/defaults.js";
import { stateFragment, compressedFragment, readFragment } from "../../www/src/share.js";
import { reindent } from "../../www/src/json-text.js";

initSync({ module: readFileSync(new URL("../../pkg/asl_sim_bg.wasm", import.meta.url)) });

/** Run an example to its end (or pause); its trace. */
function traced(id) {
  const example = EXAMPLES.find((e) => e.id === id);
  const options = { mocks: JSON.stringify(example.mocks), testCase: example.testCase };
  const ex = new Simulator(JSON.stringify(example.definition), options).start(JSON.stringify(example.input));
  ex.run();
  const trace = new Trace();
  trace.add(ex.history(), ex.failureHandling());
  return trace;
}

test("every example runs to its expected end", () => {
  const ends = Object.fromEntries(EXAMPLES.map((e) => [e.id, traced(e.id).finished ?? "PAUSED"]));
  assert.deepEqual(ends, {
    onboarding: "PAUSED", pass: "ExecutionSucceeded", "retry-catch": "ExecutionSucceeded", choice: "ExecutionSucceeded",
    wait: "ExecutionSucceeded", parallel: "ExecutionSucceeded", map: "ExecutionSucceeded", callback: "PAUSED",
    "mock-config": "ExecutionSucceeded", "succeed-fail": "ExecutionSucceeded", variables: "ExecutionSucceeded",
    jsonata: "ExecutionSucceeded", endless: "ExecutionFailed",
  });
});

test("the page's defaults are the engine's", () => {
  assert.deepEqual({ ...DEFAULTS }, defaults());
});

test("retries, their backoffs and a Catch are read from the history and the engine's failure handling", () => {
  const trace = traced("retry-catch");
  const [charge] = trace.byState.get("ChargeCard");
  assert.equal(charge.phase, "caught");
  assert.deepEqual(charge.attempts.map((a) => a.outcome), ["failed", "failed", "failed", "failed"]);
  assert.deepEqual(charge.backoffs.map((b) => (b.end - b.start) / 1000), [1, 2, 4]);
  assert.equal(trace.statusOf("QueueForManualCharge"), "succeeded");
  assert.equal(trace.statusOf("Receipt"), "idle");
  assert.ok(trace.taken.has("ChargeCard\u2192QueueForManualCharge"));
});

test("Parallel branches and Map iterations get lanes of their own", () => {
  const parallel = traced("parallel");
  assert.deepEqual(parallel.entries.map((e) => [e.state, e.lane]), [
    ["Fetch", ""], ["Profile", "/Fetch#1"], ["Orders", "/Fetch#2"], ["Pause", "/Fetch#3"], ["Score", "/Fetch#3"], ["Merge", ""],
  ]);
  // ParallelStateSucceeded and …Exited name the last branch's last event as their previous:
  // they still close the Parallel, not that branch's state.
  const fetch = parallel.byState.get("Fetch")[0];
  const history = new Map(parallel.entries.flatMap((e) => [[e.enteredId, e], [e.exitedId, e]]));
  assert.equal(fetch.phase, "succeeded");
  assert.equal(parallel.statusOf("Fetch"), "succeeded");
  assert.ok(fetch.exitedId > parallel.byState.get("Score")[0].exitedId, "the Parallel exits after its last branch");
  assert.equal(history.get(parallel.byState.get("Score")[0].exitedId).state, "Score");
  const map = traced("map");
  assert.deepEqual(map.byState.get("Resize").map((e) => [e.iteration, (e.start - map.start) / 1000, (e.end - map.start) / 1000]), [
    ["0", 0, 3], ["1", 0, 1], ["2", 1, 3], ["3", 3, 4], ["4", 3, 5],
  ]);
  assert.equal(map.runsOf("Resize"), 5);
  // Each MapIterationStarted names the previous iteration's last event as its previous:
  // iterations are still lanes of the Map, not of each other, and the Map closes.
  assert.deepEqual(map.byState.get("Resize").map((e) => e.depth), [1, 1, 1, 1, 1]);
  const mapEntry = map.entries.find((e) => e.type === "Map");
  assert.equal(mapEntry.phase, "succeeded");
  assert.equal(map.statusOf(mapEntry.state), "succeeded");
});

test("a paused callback task is waiting; the default example's timeout is an attempt of its own", () => {
  const trace = traced("onboarding");
  assert.equal(trace.statusOf("RequestApproval"), "waiting");
  const second = trace.byState.get("GetCheckResult")[1];
  assert.deepEqual(second.attempts.map((a) => [a.outcome, (a.end - a.start) / 1000]), [["timedOut", 20], ["succeeded", 3]]);
});

test("the URL state round-trips through #state= and #z=, and says what is wrong with a bad one", async () => {
  const state = { definition: '{"StartAt": "✓"}', input: "{}", seed: 3, testCase: "Happy" };
  assert.deepEqual(await readFragment(stateFragment(state)), state);
  assert.deepEqual(await readFragment(await compressedFragment(state)), state);
  assert.equal(await readFragment("#other=1"), null);
  await assert.rejects(readFragment("#state=!!"), /characters that base64url does not use/);
  await assert.rejects(readFragment(`#state=${Buffer.from("[1]").toString("base64url")}`), /not a JSON object/);
  await assert.rejects(readFragment(`#state=${Buffer.from('{"definition": 1}').toString("base64url")}`), /no "definition" text/);
});

test("JSON text is pretty-printed without reordering keys or rounding big integers", () => {
  assert.equal(reindent('{"b":[1,{}],"2":9007199254740993}'), '{\n  "b": [\n    1,\n    {}\n  ],\n  "2": 9007199254740993\n}');
  // Arrays in arrays (JSONata's $partition), each on its own line as JSON.stringify puts them.
  for (const value of [[[1, 2], [3]], { a: [[{}], []] }, [[[]]]]) assert.equal(reindent(JSON.stringify(value)), JSON.stringify(value, null, 2));
  const nested = [{ a: [[1], { b: [] }] }, {}];
  assert.equal(reindent(JSON.stringify(nested)), JSON.stringify(nested, null, 2), "an object or array first in an array");
});
