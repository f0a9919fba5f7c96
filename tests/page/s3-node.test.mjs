// The JS API's in-memory S3 in Node: the `s3` option (text or value), `ex.s3Written()`,
// and a bad `s3` option thrown as INVALID_OPTION.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { initSync, Simulator } from "../../pkg/asl_sim.js";

initSync({ module: readFileSync(new URL("../../pkg/asl_sim_bg.wasm", import.meta.url)) });

const definition = JSON.stringify({
  StartAt: "Fanout",
  States: {
    Fanout: {
      Type: "Map",
      ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "JSONL" }, Parameters: { Bucket: "in", Key: "items.jsonl" } },
      ItemBatcher: { MaxItemsPerBatch: 2 },
      ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "EXPRESS" }, StartAt: "Echo", States: { Echo: { Type: "Pass", End: true } } },
      Next: "Save",
    },
    Save: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:s3:putObject", Parameters: { Bucket: "out", Key: "batches.json", "Body.$": "$" }, End: true },
  },
});

test("the s3 option feeds the ItemReader and s3Written() gives what the run wrote", () => {
  for (const s3 of [{ in: { "items.jsonl": "1\n2\n3\n" }, out: {} }, JSON.stringify({ in: { "items.jsonl": "1\n2\n3\n" }, out: {} })]) {
    const ex = new Simulator(definition, { s3 }).start({});
    assert.equal(ex.run().status, "SUCCEEDED");
    assert.deepEqual(ex.s3Written(), { out: { "batches.json": '[{"Items":[1,2]},{"Items":[3]}]' } });
  }
});

test("an s3 option that is not {bucket: {key: body}} is refused", () => {
  assert.throws(() => new Simulator(definition, { s3: { bucket: "body" } }), (e) => e.code === "INVALID_OPTION");
});
