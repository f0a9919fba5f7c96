/** What `runTests` takes: as `asl-sim test DEFINITION --mocks MOCKCONFIG [--expect FILE] [--inject-errors]`. */
export interface RunTestsOptions {
  /** The state machine definition, as JSON text or a value. */
  definition: string | Json;
  /** A Step Functions Local MockConfigFile, as JSON text or a value: every test case of the machine runs. */
  mockConfig: string | Json;
  /** The MockConfigFile state machine, needed only when it has several. */
  stateMachine?: string;
  /** `{"<TestCase>": {status?, output?, error?, cause?, path?, input?, comment?}}`. */
  expectations?: string | Json;
  /** The execution input of every case without its own `input` expectation. Default `{}`. */
  input?: string | Json;
  /** For every Task, one more case per error its Retry and Catch name, and one `States.TaskFailed`. */
  injectErrors?: boolean;
}

/** One test case's run. */
export interface TestCaseResult {
  name: string;
  passed: boolean;
  status: ExecutionStatus | "INVALID";
  output?: Json;
  error?: string;
  cause?: string;
  /** The top-level states entered, in order. */
  path: string[];
  /** Why it failed; empty when it passed. */
  failures: string[];
  warnings: string[];
  events: number;
  /** Injected cases: the Task, the error thrown, and the test case whose mocks reach the Task. */
  injected?: { state: string; error: string; base: string };
  /** Injected cases: the retriers that fired and catchers taken, e.g. `caught by P.Catch[0] → Fallback`. */
  handled?: string[];
}

/** A part of the coverage report: how many there are, how many were exercised, and what was not. */
export interface CoverageCount<Missed> { total: number; covered: number; missed: Missed[] }

/** An edge of the definition; `via` is `Next`, `Default`, `Choices[i]` or `Catch[i]`. */
export interface CoverageEdge { from: string; to: string; via: string }

/** Coverage over every nesting level, as `asl-sim test --coverage` writes it. */
export interface Coverage {
  states: CoverageCount<string>;
  transitions: CoverageCount<CoverageEdge>;
  retriers: CoverageCount<{ state: string; index: number; errorEquals: string[] }>;
  catchers: CoverageCount<{ state: string; index: number; errorEquals: string[]; next: string }>;
  counts: {
    states: { [name: string]: number };
    transitions: (CoverageEdge & { count: number })[];
    retriers: { state: string; index: number; count: number }[];
  };
}

/** What `runTests` returns. */
export interface TestReport {
  stateMachine: string;
  passed: number;
  failed: number;
  cases: TestCaseResult[];
  /** Injections no test case reaches. */
  notReached: { state: string; error: string }[];
  coverage: Coverage;
}
