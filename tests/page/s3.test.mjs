// The S3 tab: a distributed Map reads its items from the objects typed there, the run's
// ResultWriter objects are shown as written, and the share state carries them as `s3`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { open, status, testid, setDefinition } from "./helpers.mjs";

const definition = {
  StartAt: "Fanout",
  States: {
    Fanout: {
      Type: "Map",
      ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" }, Parameters: { Bucket: "in", Key: "rows.csv" } },
      ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "Echo", States: { Echo: { Type: "Pass", End: true } } },
      ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "out", Prefix: "results" } },
      End: true,
    },
  },
};
const s3 = { in: { "rows.csv": "name,n\na,1\nb,2\n" }, out: {} };

test("the S3 editor feeds the ItemReader, shows what ResultWriter wrote and is shared as s3", async () => {
  const { page, close } = await open();
  await testid(page, "s3-editor").waitFor({ state: "attached" });
  await page.evaluate((t) => window.aslSim.setS3(t), JSON.stringify(s3, null, 2));
  await setDefinition(page, JSON.stringify(definition, null, 2));
  await status(page, "READY");
  await testid(page, "run").click();
  await status(page, "SUCCEEDED");
  const output = JSON.parse(await testid(page, "output").textContent());
  assert.deepEqual(Object.keys(output), ["MapRunArn", "ResultWriterDetails"]);
  assert.equal(output.ResultWriterDetails.Bucket, "out");
  await page.locator("#tab-s3").click();
  const written = await testid(page, "s3-written").textContent();
  assert.match(written, /results\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\/manifest\.json/);
  assert.match(written, /SUCCEEDED_0\.json/);
  const state = await page.evaluate(() => window.aslSim.state());
  assert.deepEqual(JSON.parse(state.s3), s3);
  await close();
});

test("an S3 text that is not {bucket: {key: body}} is a problem of the S3 editor", async () => {
  const { page, close } = await open();
  await page.evaluate(() => window.aslSim.setS3('{"bucket": "not an object"}'));
  await status(page, "INVALID").catch(() => {});
  const diagnostic = testid(page, "diagnostic").filter({ hasText: "S3" }).first();
  await diagnostic.waitFor();
  assert.match(await diagnostic.textContent(), /bucket/);
  await close();
});
