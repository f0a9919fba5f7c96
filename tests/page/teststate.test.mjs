// TestState through the JS API and the page. In Node: a DEBUG TestState of each state
// of the default example, with the input (and, for states that call out, the result)
// of its run, gives the same stage values as the inspector shows for that run. In
// Chromium: the inspector's Test state button answers with that JSON text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { initSync, Simulator, testState } from "../../pkg/asl_sim.js";
import { DEFAULT_EXAMPLE } from "../../www/src/examples.js";
import { testStateRequest } from "../../www/src/test-state.js";
import { open, node, testid, runToApproval } from "./helpers.mjs";

initSync({ module: readFileSync(new URL("../../pkg/asl_sim_bg.wasm", import.meta.url)) });

/** Every state of a definition, nested ones included. */
function stateNames(def, out = []) {
  for (const [name, st] of Object.entries(def.States ?? {})) {
    out.push([name, st]);
    for (const b of st.Branches ?? []) stateNames(b, out);
    if (st.ItemProcessor ?? st.Iterator) stateNames(st.ItemProcessor ?? st.Iterator, out);
  }
  return out;
}

const TEXT_FIELDS = ["input", "afterInputPath", "afterParameters", "afterArguments", "result", "afterResultSelector", "afterResultPath", "afterItemsPath"];

test("a DEBUG TestState of each state of the default example shows the inspector's stage values", () => {
  const definition = JSON.stringify(DEFAULT_EXAMPLE.definition);
  const ex = new Simulator(definition, { mocks: DEFAULT_EXAMPLE.mocks }).start(DEFAULT_EXAMPLE.input);
  ex.run({ maxSteps: 10_000 });
  let compared = 0;
  for (const [name, st] of stateNames(DEFAULT_EXAMPLE.definition)) {
    const inspection = ex.inspect(name);
    if (!inspection || !("input" in inspection)) continue;
    const callsOut = ["Task", "Map", "Parallel"].includes(st.Type);
    // A state still waiting (the human approval) has no result to mock yet.
    if (callsOut && !("result" in inspection)) continue;
    const request = testStateRequest({
      definition,
      name,
      input: JSON.stringify(inspection.input),
      result: callsOut ? inspection.result : undefined,
    });
    const answer = testState(request);
    assert.ok(!answer.exception, `${name}: ${JSON.stringify(answer.exception)}`);
    const data = answer.inspectionData;
    for (const field of TEXT_FIELDS) {
      if (!(field in data) || !(field in inspection)) continue;
      assert.deepEqual(JSON.parse(data[field]), inspection[field], `${name}: ${field}`);
      compared++;
    }
    if (answer.status === "SUCCEEDED" && "output" in inspection) {
      assert.deepEqual(JSON.parse(answer.output), inspection.output, `${name}: output`);
    }
  }
  assert.ok(compared >= 10, `only ${compared} stages compared`);
});

test("testState answers a rejected request with AWS's exception instead of throwing", () => {
  const answer = testState({ definition: { Type: "Parallel", Branches: [] , End: true } });
  assert.ok(answer.exception, JSON.stringify(answer));
  assert.equal(answer.exception.code, "InvalidDefinition");
});

test("the inspector's Test state button runs TestState on the selected state with its run's input", async () => {
  const { page, close } = await open();
  await runToApproval(page);
  await node(page, "CreateAccount").click();
  await testid(page, "test-state").click();
  const text = await testid(page, "test-state-result").textContent();
  const answer = JSON.parse(text);
  assert.equal(answer.status, "SUCCEEDED", text);
  assert.equal(answer.nextState, "SendWelcomeEmail", text);
  assert.ok(answer.inspectionData.afterResultPath, text);
  await close();
});
