/** A JSON value as it crosses the boundary: plain objects, arrays and primitives. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One validation finding. Lines and columns are 1-based; columns count UTF-16 units. */
export interface Diagnostic {
  code: string;
  message: string;
  severity: "ERROR" | "WARNING";
  /** JSON pointer of the offending field, e.g. `/States/Check/Choices/0/Next`. */
  pointer: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Every input of an execution besides the definition and its input. */
export interface SimulatorOptions {
  /** A Step Functions Local MockConfigFile or the inline form `{"StateName": RESPONSE | RESPONSE[]}`, as JSON text or a value. */
  mocks?: string | Json;
  /** The MockConfigFile test case to use. */
  testCase?: string;
  /** The MockConfigFile state machine, needed only when it has several. */
  stateMachine?: string;
  /** Seed of every random draw (jitter, `States.UUID`, `$random()`…). Default 0. */
  seed?: number | bigint;
  /** Virtual start time: RFC 3339 text, milliseconds since the epoch or a Date. Default `2024-01-01T00:00:00Z`. */
  startTime?: string | number | Date;
  /** History event limit (AWS: 25,000); reaching it ends the execution as AWS does. At most 10,000,000: a larger value is taken as that. */
  maxEvents?: number;
  /** The in-memory S3, `{"<bucket>": {"<key>": "<body text>"}}`, as JSON text or a value (a non-string body is stored as its JSON text). */
  s3?: string | Json;
  /** DefinitionSubstitutions, applied to the definition's text before it is parsed; an unresolved `${KEY}` takes a placeholder (an `UNRESOLVED_SUBSTITUTION` warning). */
  substitutions?: { [key: string]: string | number | boolean };
  /** STANDARD (default) or EXPRESS semantics: Express rejects `.sync`, `.waitForTaskToken` and activities, runs at most five minutes and has an `…:express:…` execution ARN. */
  type?: "STANDARD" | "EXPRESS";
}

export type ExecutionStatus = "RUNNING" | "PAUSED" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

/** An event in GetExecutionHistory shape; the details sit under the key AWS uses for its type. */
export interface HistoryEvent {
  timestamp: string;
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: Json;
}

/** Something the execution waits for; answer it with `sendTaskSuccess`/`sendTaskFailure`/`sendTaskHeartbeat`. */
export interface WaitingFor {
  state: string;
  kind: "mock" | "taskToken" | "activity" | "breakpoint";
  token: string;
  input: Json;
}

/** What a `step`, `stepBack`, `run` or `runUntil` call did. */
export interface StepReport {
  /** `step`/`stepBack`: the new event (none when paused or finished). `run`/`runUntil` leave
   *  it empty, since a run can record thousands: read them with `history()`. */
  events: HistoryEvent[];
  /** How many events this call recorded. */
  newEvents: number;
  /** How many events the history holds now. */
  eventCount: number;
  status: ExecutionStatus;
  /** Names of the states being executed. */
  active: string[];
  /** The virtual clock, ISO 8601. */
  clock: string;
  waitingFor: WaitingFor[];
}

export interface RunOptions {
  /** Return after this many steps (resumable); default: until finished or paused. */
  maxSteps?: number;
}

export interface RunUntilOptions extends RunOptions {
  /** Stop before entering this state. */
  state: string;
}

/** Bounds on one `evalJsonata` evaluation; each defaults to the engine's (as in a state machine). */
export interface JsonataLimits {
  /** How deeply evaluation may nest (`D1011` beyond). Default 200. Well above it the browser's stack can
   *  overflow first (a `RangeError`): in Chromium a recursion through `$reduce` does from about 450. */
  maxDepth?: number;
  /** How many function bodies may run (`D1012` beyond). Default 100,000. */
  maxSteps?: number;
  /** The longest sequence a step may produce (`D2015` beyond). Default 10,000,000. */
  maxSequenceLength?: number;
}

/** The limits, and what one `evalJsonata` evaluation reads from outside the expression. */
export interface JsonataOptions extends JsonataLimits {
  /** The virtual clock, for `$now()`, `$millis()` and partial `$toMillis` pictures: RFC 3339 text,
   *  milliseconds since the epoch or a Date. Default 2024-01-01T00:00:00Z, the default start time. */
  now?: string | number | Date;
  /** Seed of `$random()`, `$uuid()` and `$shuffle`. Default 0. */
  seed?: number | bigint;
  /** `true`: return the result as JSON text (`{json}`) instead of a value (`{result}`), as the engine
   *  writes it, in its key order (a JS object moves integer-like keys first). */
  json?: boolean;
}

/** What `evalJsonata` returns: exactly one of these shapes. */
export type JsonataOutcome =
  | { result: Json }
  /** With `{json: true}`: the result as compact JSON text. */
  | { json: string }
  /** JSONata's `undefined`: the expression produced no value (not `null`). `failure`: what a state's field would fail with. */
  | { undefined: true; failure: ExpressionFailure }
  /** A syntax or evaluation error, e.g. `{code: "T2002", message: "T2002: …"}`; `code` is null when JSONata gives none.
   *  A syntax error has a `position`: where parsing failed, in UTF-16 units from the start of `expression` as passed
   *  (its `{%` and any spaces included; its length when the expression ended too early). */
  | { error: { code: string | null; message: string; position?: number }; failure: ExpressionFailure };

/** How AWS (and `asl-sim eval`) reports an expression that failed: `States.QueryEvaluationError` and its cause. */
export interface ExpressionFailure {
  error: string;
  cause: string;
}

/** What an execution uses for each option not given, and the ARNs AWS builds from them (`defaults()`). */
export interface Defaults {
  /** RFC 3339, `2024-01-01T00:00:00.000Z`. */
  startTime: string;
  seed: number;
  region: string;
  account: string;
  stateMachineName: string;
  executionName: string;
  stateMachineArn: string;
  executionArn: string;
  /** AWS's history event limit. */
  maxEvents: number;
}

/** How the engine handled one failure of a state run: its `Retry` and `Catch` as AWS matches them (`failureHandling()`). */
export interface FailureHandling {
  /** The `…StateEntered` event of the state run that failed. */
  enteredEventId: number;
  /** The last event recorded when the decision was taken: it comes after that event and before the next. */
  afterEventId: number;
  /** The virtual time of the decision, written as event timestamps are. */
  timestamp: string;
  state: string;
  error: string;
  /** `fail`: no retrier with attempts left and no catcher matched, or the catcher's own
   *  `ResultPath`, `Assign` or `Output` failed (then `error` is that failure's, after a `catch`). */
  outcome: "retry" | "catch" | "fail";
  /** `retry`: the index of the retrier in `Retry`. */
  retrier?: number;
  /** `retry`: which retry of that retrier this is, from 1. */
  retry?: number;
  /** `retry`: the wait before the next attempt in milliseconds (`IntervalSeconds` × `BackoffRate`^n, at most
   *  `MaxDelaySeconds`, times the seeded draw of a FULL jitter). Absent while `pending` with a FULL jitter. */
  delayMillis?: number;
  /** `retry` with `JitterStrategy` FULL: the delay before jitter, which the draw scales down. */
  jitterBoundMillis?: number;
  /** `catch`: the index of the catcher in `Catch`. */
  catcher?: number;
  /** The failure is in the history, and the state takes this decision on its next turn. */
  pending?: true;
}

/** What every throwing call throws. */
export interface AslSimError extends Error {
  /** e.g. `INVALID_DEFINITION`, `INVALID_OPTION`, `INVALID_JSON`, `INVALID_MOCKS`, or a Step Functions API error name. */
  code: string;
  /** Present when `code` is `INVALID_DEFINITION`. */
  diagnostics?: Diagnostic[];
}
