/** The body of AWS's TestState request. `input`, `variables`, `context` and `mock.result` are JSON text, as AWS takes them. */
export interface TestStateRequest {
  /** One state (tested as `StateName`), or a whole machine with `stateName`: JSON text or a value. */
  definition: string | Json;
  stateName?: string;
  input?: string;
  inspectionLevel?: "INFO" | "DEBUG" | "TRACE";
  revealSecrets?: boolean;
  roleArn?: string;
  variables?: string;
  context?: string;
  mock?: { result?: string; errorOutput?: { error?: string; cause?: string }; fieldValidationMode?: "STRICT" | "PRESENT" | "NONE" };
  stateConfiguration?: { retrierRetryCount?: number; errorCausedByState?: string; mapIterationFailureCount?: number; mapItemReaderData?: string };
}

/** TestState's answer in its wire form (JSON text where AWS sends text), or the exception AWS raises for the request. */
export type TestStateResponse =
  | {
      status: "SUCCEEDED" | "FAILED" | "RETRIABLE" | "CAUGHT_ERROR";
      output?: string;
      error?: string;
      cause?: string;
      nextState?: string;
      /** DEBUG and TRACE only. */
      inspectionData?: {
        input?: string;
        afterInputPath?: string;
        afterParameters?: string;
        afterArguments?: string;
        result?: string;
        afterResultSelector?: string;
        afterResultPath?: string;
        afterItemsPath?: string;
        variables?: string;
        maxConcurrency?: number;
        toleratedFailureCount?: number;
        toleratedFailurePercentage?: number;
        errorDetails?: { catchIndex?: number; retryIndex?: number; retryBackoffIntervalSeconds?: number };
      };
    }
  | { exception: { code: "ValidationException" | "InvalidDefinition" | string; message: string } };
