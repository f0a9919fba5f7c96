// What an execution uses when nothing else is given: the engine's defaults
// (Options::default() in src/engine/mod.rs, DESIGN.md's contract), spelled once for the
// page. Not read from the wasm module's `defaults()` because the page needs them before
// that module is in: the examples are data built at import, and an embed draws its clock
// before it fetches the engine (maybe never, when it stays out of view).
// tests/page/trace.test.mjs checks every value against the engine's `defaults()`.

const region = "us-east-1";
const account = "123456789012";
const stateMachineName = "StateMachine";
const executionName = "execution";

/** An ARN in the default region and account, as AWS writes them: `arn("lambda", "function:f")`. */
export const arn = (service, resource) => `arn:aws:${service}:${region}:${account}:${resource}`;

/** An SQS queue URL in the default region and account. */
export const queueUrl = (name) => `https://sqs.${region}.amazonaws.com/${account}/${name}`;

export const DEFAULTS = Object.freeze({
  startTime: "2024-01-01T00:00:00.000Z",
  seed: 0,
  region,
  account,
  stateMachineName,
  executionName,
  stateMachineArn: arn("states", `stateMachine:${stateMachineName}`),
  executionArn: arn("states", `execution:${stateMachineName}:${executionName}`),
  maxEvents: 25_000,
});
