// Advance clock: a task nobody answers times out (or misses its heartbeat) at the
// virtual instant its TimeoutSeconds / HeartbeatSeconds say, when the user lets time pass.
import { test } from "node:test";
import assert from "node:assert/strict";
import { open, status, testid, setDefinition, setMocks, rowTypes } from "./helpers.mjs";

const callback = (extra) => ({
  StartAt: "Ask",
  States: {
    Ask: {
      Type: "Task",
      Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      Parameters: { QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/q", MessageBody: { "token.$": "$$.Task.Token" } },
      ...extra,
      End: true,
    },
    ...(extra.Catch ? { NoHeartbeat: { Type: "Pass", Result: "nobody is working on it", End: true } } : {}),
  },
});

test("nobody answers: Advance clock times the task out at its TimeoutSeconds", async () => {
  const { page, close } = await open();
  await setDefinition(page, callback({ TimeoutSeconds: 300 }));
  await setMocks(page, {});
  await testid(page, "run").click();
  await status(page, "PAUSED");
  assert.equal(await testid(page, "pending-task").count(), 1);
  assert.equal(await testid(page, "clock").textContent(), "2024-01-01T00:00:00.000Z");
  await testid(page, "advance-clock").click();
  await status(page, "FAILED");
  assert.equal(await testid(page, "clock").textContent(), "2024-01-01T00:05:00.000Z");
  const types = await rowTypes(page);
  assert.equal(types.at(-2), "TaskTimedOut");
  assert.equal(types.at(-1), "ExecutionFailed");
  assert.match(await testid(page, "error").textContent(), /States\.Timeout/);
  assert.equal(await testid(page, "pending-task").count(), 0);
  await close();
});

test("a missed heartbeat is caught by a States.HeartbeatTimeout catcher at HeartbeatSeconds", async () => {
  const { page, close } = await open();
  await setDefinition(page, callback({ TimeoutSeconds: 300, HeartbeatSeconds: 60, Catch: [{ ErrorEquals: ["States.HeartbeatTimeout"], Next: "NoHeartbeat" }] }));
  await setMocks(page, {});
  await testid(page, "run").click();
  await status(page, "PAUSED");
  await testid(page, "advance-clock").click();
  await status(page, "SUCCEEDED");
  assert.equal(await testid(page, "clock").textContent(), "2024-01-01T00:01:00.000Z");
  assert.equal(await testid(page, "output").textContent(), JSON.stringify("nobody is working on it", null, 2));
  await close();
});
