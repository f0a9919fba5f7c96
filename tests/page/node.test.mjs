// The npm package in Node: pkg/ as `npm run build` leaves it (wasm-opt'd),
// loaded with initSync since Node's fetch cannot read file: URLs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { initSync, validate, Simulator } from "../../pkg/asl_sim.js";

initSync({ module: readFileSync(new URL("../../pkg/asl_sim_bg.wasm", import.meta.url)) });

const hello = JSON.stringify({
  StartAt: "Hello",
  States: {
    Hello: { Type: "Pass", Result: { greeting: "hi" }, ResultPath: "$.hello", Next: "Done" },
    Done: { Type: "Succeed" },
  },
});

test("a Pass/Succeed machine runs to SUCCEEDED with its output", () => {
  const ex = new Simulator(hello).start({ who: "world" });
  const report = ex.run();
  assert.equal(report.status, "SUCCEEDED");
  assert.equal(ex.status(), "SUCCEEDED");
  assert.deepEqual(ex.output(), { who: "world", hello: { greeting: "hi" } });
  const history = ex.history();
  assert.equal(history[0].type, "ExecutionStarted");
  assert.equal(history.at(-1).type, "ExecutionSucceeded");
  for (const key of ["events", "newEvents", "eventCount", "status", "active", "clock", "waitingFor"]) {
    assert.ok(key in report, `report.${key}`);
  }
  assert.equal(report.eventCount, history.length);
});

test("validate reports a missing Next target with its pointer", () => {
  const text = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}';
  const d = validate(text).find((d) => d.pointer === "/States/A/Next");
  assert.ok(d, "a diagnostic at /States/A/Next");
  assert.equal(d.severity, "ERROR");
  assert.equal(d.column, text.indexOf('"Nowhere"') + 1);
});

test("an invalid definition throws INVALID_DEFINITION with diagnostics", () => {
  assert.throws(
    () => new Simulator('{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}'),
    (e) =>
      e instanceof Error &&
      e.code === "INVALID_DEFINITION" &&
      e.diagnostics.some((d) => d.pointer === "/States/A/Next"),
  );
});

test("misuse throws an Error with a code", () => {
  const code = (f) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof Error);
      return e.code;
    }
    return "no error";
  };
  assert.equal(code(() => new Simulator(hello, { seeed: 1 })), "INVALID_OPTION");
  assert.equal(code(() => new Simulator(hello, { maxEvents: 1.5 })), "INVALID_OPTION");
  assert.equal(code(() => new Simulator(hello, { startTime: "yesterday" })), "INVALID_OPTION");
  assert.equal(code(() => new Simulator(hello).start("{oops")), "INVALID_JSON");
  assert.equal(code(() => new Simulator(hello).start().runUntil({})), "INVALID_OPTION");
});

test("integers beyond 2^53 come out as JSON.parse would read them", () => {
  const ex = new Simulator(hello).start('{"big": 9007199254740993, "small": 1}');
  ex.run();
  assert.deepEqual(ex.output(), { big: 9007199254740993, small: 1, hello: { greeting: "hi" } });
});

test("step and stepBack move one event at a time", () => {
  const ex = new Simulator(hello).start();
  const before = ex.history().length;
  const report = ex.step();
  assert.equal(report.events.length, 1);
  assert.deepEqual(ex.history().at(-1), report.events[0]);
  assert.equal(ex.stepBack().status, "RUNNING");
  assert.equal(ex.history().length, before);
});
