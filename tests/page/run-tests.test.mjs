// `runTests` from the npm package in Node (pkg/ as `npm run build` leaves it): the AWS
// sample's MockConfigFile against the expectations of tests/fixtures/testing, coverage,
// failing cases as data, injected errors, and bad input thrown with a `code`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { initSync, runTests } from "../../pkg/asl_sim.js";

initSync({ module: readFileSync(new URL("../../pkg/asl_sim_bg.wasm", import.meta.url)) });

const root = resolve(new URL("../..", import.meta.url).pathname);
const shared = resolve(root, process.env.ASL_SIM_SHARED ?? "../shared");
const sample = join(shared, "realworld/cases/ase-local-testing-mock-config");
if (!existsSync(sample)) throw new Error(`shared data missing: ${sample} (set ASL_SIM_SHARED)`);
const definition = readFileSync(join(sample, "def.json"), "utf8");
const mockConfig = readFileSync(join(sample, "mocks.json"), "utf8");
const expectations = JSON.parse(readFileSync(join(root, "tests/fixtures/testing/ase-local-testing-mock-config.expect.json"), "utf8"));

test("the AWS sample passes its expectations, with per-case results and coverage", () => {
  const report = runTests({ definition, mockConfig, expectations });
  assert.equal(report.stateMachine, "LocalTesting");
  assert.deepEqual([report.passed, report.failed], [5, 0]);
  assert.deepEqual(
    report.cases.map((c) => [c.name, c.passed, c.status]),
    [
      ["HappyPathTest", true, "SUCCEEDED"],
      ["NegativeSentimentTest", true, "SUCCEEDED"],
      ["CustomValidationFailedCatchTest", true, "SUCCEEDED"],
      ["ValidationExceptionCatchTest", true, "SUCCEEDED"],
      ["RetryOnServiceExceptionTest", true, "SUCCEEDED"],
    ],
  );
  assert.deepEqual(report.cases[1].path, ["Validation", "DetectSentiment", "Is Positive Sentiment?", "NegativeSentimentDetected"]);
  assert.deepEqual(report.coverage.states, { total: 10, covered: 10, missed: [] });
  assert.deepEqual(report.coverage.transitions, { total: 7, covered: 7, missed: [] });
  assert.equal(report.coverage.retriers.missed[0].state, "Check Address");
});

test("a failing expectation is data, and so are injected errors", () => {
  const wrong = { ...expectations, HappyPathTest: { ...expectations.HappyPathTest, path: ["Validation"] } };
  const report = runTests({ definition: JSON.parse(definition), mockConfig: JSON.parse(mockConfig), expectations: wrong, injectErrors: true });
  const happy = report.cases.find((c) => c.name === "HappyPathTest");
  assert.equal(happy.passed, false);
  assert.match(happy.failures[0], /^path \[Validation, DetectSentiment/);
  const injected = report.cases.find((c) => c.injected?.state === "Check Identity" && c.injected.error === "CustomValidationError");
  assert.deepEqual(injected.handled, ["retried by Check Identity.Retry[0] ×3", "caught by Validation.Catch[0] → CustomValidationFailed"]);
  assert.equal(injected.status, "SUCCEEDED");
});

test("bad input throws an Error with a code", () => {
  const thrown = (options) => {
    try {
      runTests(options);
    } catch (e) {
      return [e.code, e.message];
    }
    return null;
  };
  const [code, message] = thrown({ definition, mockConfig, expectations: { Nope: {} } });
  assert.equal(code, "INVALID_TESTS");
  assert.match(message, /test case 'Nope'/);
  assert.equal(thrown({ definition, mockConfig, stateMachine: "Other" })[0], "INVALID_TESTS");
  assert.equal(thrown({ definition: '{"StartAt":"X","States":{}}', mockConfig })[0], "INVALID_DEFINITION");
  assert.equal(thrown({ definition, mockConfig, typo: 1 })[0], "INVALID_OPTION");
});
