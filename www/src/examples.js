// The examples menu. Each example is a definition, an input and mocks (either
// format), chosen so that running it shows one feature plainly. Together they
// cover every state type; the first is the default the page opens with.

import { DEFAULTS, arn, queueUrl } from "./defaults.js";

const lambda = "arn:aws:states:::lambda:invoke";

/** The default: customer onboarding, with latency, a timeout, a loop, retries, a Parallel and a human approval. */
const onboarding = {
  id: "onboarding",
  title: "Customer onboarding (default)",
  summary:
    "Check documents with a slow external service (Wait loop, a timeout and its retry), create the account, " +
    "send a welcome email that fails twice before it succeeds (exponential backoff), provision resources in parallel, " +
    "then pause for a human approval (.waitForTaskToken with no mock: answer it in the Waiting for panel).",
  definition: {
    Comment: "Customer onboarding: documents, account, welcome email, resources, human approval",
    StartAt: "StartDocumentCheck",
    States: {
      StartDocumentCheck: {
        Type: "Task",
        Comment: "Ask the verification service to check the documents; it answers with a check id",
        Resource: lambda,
        Parameters: {
          FunctionName: "start-document-check",
          Payload: { "customerId.$": "$.customerId", "documents.$": "$.documents" },
        },
        ResultSelector: { "checkId.$": "$.Payload.checkId" },
        ResultPath: "$.check",
        Next: "WaitForCheck",
      },
      WaitForCheck: {
        Type: "Wait",
        Comment: "The service takes its time: poll every 30 seconds",
        Seconds: 30,
        Next: "GetCheckResult",
      },
      GetCheckResult: {
        Type: "Task",
        Resource: lambda,
        Parameters: { FunctionName: "get-document-check", Payload: { "checkId.$": "$.check.checkId" } },
        TimeoutSeconds: 20,
        Retry: [{ ErrorEquals: ["States.Timeout"], IntervalSeconds: 5, MaxAttempts: 2 }],
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "RejectApplication" }],
        ResultSelector: { "status.$": "$.Payload.status" },
        ResultPath: "$.check.result",
        Next: "DocumentsVerified?",
      },
      "DocumentsVerified?": {
        Type: "Choice",
        Choices: [
          { Variable: "$.check.result.status", StringEquals: "VERIFIED", Next: "CreateAccount" },
          { Variable: "$.check.result.status", StringEquals: "PENDING", Next: "WaitForCheck" },
        ],
        Default: "RejectApplication",
      },
      CreateAccount: {
        Type: "Task",
        Comment: "Write the customer to the accounts database",
        Resource: lambda,
        Parameters: {
          FunctionName: "create-account",
          Payload: { "customerId.$": "$.customerId", "name.$": "$.name", "email.$": "$.email" },
        },
        ResultSelector: { "accountId.$": "$.Payload.accountId", "createdAt.$": "$.Payload.createdAt" },
        ResultPath: "$.account",
        Next: "SendWelcomeEmail",
      },
      SendWelcomeEmail: {
        Type: "Task",
        Comment: "The mail service is throttled: it fails twice, then succeeds on the third try",
        Resource: lambda,
        Parameters: {
          FunctionName: "send-welcome-email",
          Payload: { "to.$": "$.email", "accountId.$": "$.account.accountId" },
        },
        Retry: [{ ErrorEquals: ["Email.ThrottlingException"], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3 }],
        ResultPath: null,
        Next: "ProvisionResources",
      },
      ProvisionResources: {
        Type: "Parallel",
        Branches: [
          {
            StartAt: "CreateStorageBucket",
            States: {
              CreateStorageBucket: {
                Type: "Task",
                Resource: "arn:aws:states:::aws-sdk:s3:createBucket",
                Parameters: { "Bucket.$": "States.Format('customer-{}-files', $.account.accountId)" },
                ResultSelector: { "bucket.$": "$.Location" },
                End: true,
              },
            },
          },
          {
            StartAt: "CreateDatabaseSchema",
            States: {
              CreateDatabaseSchema: {
                Type: "Task",
                Resource: lambda,
                Parameters: { FunctionName: "create-schema", Payload: { "accountId.$": "$.account.accountId" } },
                ResultSelector: { "schema.$": "$.Payload.schema" },
                End: true,
              },
            },
          },
          {
            StartAt: "SetUpBilling",
            States: {
              SetUpBilling: {
                Type: "Task",
                Resource: lambda,
                Parameters: { FunctionName: "set-up-billing", Payload: { "accountId.$": "$.account.accountId", plan: "standard" } },
                ResultSelector: { "billingId.$": "$.Payload.billingId" },
                End: true,
              },
            },
          },
        ],
        ResultSelector: {
          "bucket.$": "$[0].bucket",
          "schema.$": "$[1].schema",
          "billingId.$": "$[2].billingId",
        },
        ResultPath: "$.resources",
        Next: "RequestApproval",
      },
      RequestApproval: {
        Type: "Task",
        Comment: "A person approves the account: no mock, so the execution pauses until you answer",
        Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Parameters: {
          QueueUrl: queueUrl("onboarding-approvals"),
          MessageBody: { "customerId.$": "$.customerId", "accountId.$": "$.account.accountId", "taskToken.$": "$$.Task.Token" },
        },
        ResultPath: "$.approval",
        Next: "Approved?",
      },
      "Approved?": {
        Type: "Choice",
        Choices: [{ Variable: "$.approval.approved", BooleanEquals: true, Next: "ActivateAccount" }],
        Default: "RejectApplication",
      },
      ActivateAccount: {
        Type: "Pass",
        Parameters: {
          "customerId.$": "$.customerId",
          "accountId.$": "$.account.accountId",
          "resources.$": "$.resources",
          "approvedBy.$": "$.approval.approvedBy",
          status: "ACTIVE",
        },
        Next: "Onboarded",
      },
      Onboarded: { Type: "Succeed" },
      RejectApplication: {
        Type: "Fail",
        Error: "Onboarding.Rejected",
        Cause: "The documents could not be verified or the account was not approved",
      },
    },
  },
  input: {
    customerId: "C-1029",
    name: "Ada Lovelace",
    email: "ada@example.com",
    documents: ["passport.pdf", "proof-of-address.pdf"],
  },
  mocks: {
    StartDocumentCheck: { Return: { checkId: "chk-5521" }, DelaySeconds: 1 },
    GetCheckResult: [
      { Return: { status: "PENDING" }, DelaySeconds: 4 },
      { Return: { status: "VERIFIED" }, DelaySeconds: 45 },
      { Return: { status: "VERIFIED" }, DelaySeconds: 3 },
    ],
    CreateAccount: { Return: { accountId: "acc-7f3a", createdAt: "2024-01-01T00:01:30Z" }, DelaySeconds: 1 },
    SendWelcomeEmail: [
      { Throw: { Error: "Email.ThrottlingException", Cause: "Rate exceeded" } },
      { Throw: { Error: "Email.ThrottlingException", Cause: "Rate exceeded" } },
      { Return: { messageId: "msg-0001" }, DelaySeconds: 1 },
    ],
    CreateStorageBucket: { Return: { Location: "/customer-acc-7f3a-files" }, DelaySeconds: 3 },
    CreateDatabaseSchema: { Return: { schema: "tenant_acc_7f3a" }, DelaySeconds: 8 },
    SetUpBilling: { Return: { billingId: "bill-204" }, DelaySeconds: 2 },
  },
  /** What the Waiting for form proposes for this example's paused task. */
  answers: { RequestApproval: { approved: true, approvedBy: "reviewer@example.com" } },
};

const hello = {
  id: "pass",
  title: "Pass: Result, ResultPath, Parameters",
  summary: "Pass states shape data without calling anything. Select a state and read its stages in the inspector.",
  definition: {
    StartAt: "Greet",
    States: {
      Greet: { Type: "Pass", Result: { greeting: "Hello" }, ResultPath: "$.message", Next: "Reshape" },
      Reshape: {
        Type: "Pass",
        Parameters: { "text.$": "States.Format('{}, {}!', $.message.greeting, $.who)", "length.$": "States.ArrayLength($.tags)" },
        OutputPath: "$",
        Next: "Done",
      },
      Done: { Type: "Succeed" },
    },
  },
  input: { who: "world", tags: ["a", "b", "c"] },
  mocks: {},
};

const retryCatch = {
  id: "retry-catch",
  title: "Task: Retry with backoff, then Catch",
  summary:
    "ChargeCard fails three times; Retry waits 1 s, 2 s, 4 s (BackoffRate 2), then Catch sends the error to a fallback. " +
    "Open the timeline to see the backoff intervals.",
  definition: {
    StartAt: "ChargeCard",
    States: {
      ChargeCard: {
        Type: "Task",
        Resource: arn("lambda", "function:charge-card"),
        Retry: [
          { ErrorEquals: ["Payments.Declined"], MaxAttempts: 0 },
          { ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 },
        ],
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "QueueForManualCharge" }],
        ResultPath: "$.charge",
        Next: "Receipt",
      },
      Receipt: { Type: "Pass", Result: "sent", ResultPath: "$.receipt", End: true },
      QueueForManualCharge: {
        Type: "Task",
        Resource: "arn:aws:states:::sqs:sendMessage",
        Parameters: { QueueUrl: queueUrl("manual"), "MessageBody.$": "$" },
        ResultPath: null,
        End: true,
      },
    },
  },
  input: { orderId: "o-77", amount: 19.99 },
  mocks: {
    ChargeCard: [{ Throw: { Error: "Gateway.Unavailable", Cause: "503 from the card gateway" }, DelaySeconds: 1 }],
    QueueForManualCharge: { Return: { MessageId: "m-1" } },
  },
};

const choice = {
  id: "choice",
  title: "Choice: rules, And/Or/Not, Default",
  summary: "Change the input's amount or country and step through: the inspector shows which rule matched.",
  definition: {
    StartAt: "Route",
    States: {
      Route: {
        Type: "Choice",
        Choices: [
          {
            And: [
              { Variable: "$.amount", NumericGreaterThan: 1000 },
              { Not: { Variable: "$.country", StringEquals: "GB" } },
            ],
            Next: "ManualReview",
          },
          { Or: [{ Variable: "$.vip", BooleanEquals: true }, { Variable: "$.amount", NumericLessThan: 50 }], Next: "FastTrack" },
          { Variable: "$.coupon", IsPresent: true, Next: "ApplyCoupon" },
        ],
        Default: "Standard",
      },
      ManualReview: { Type: "Pass", Result: "manual", ResultPath: "$.route", End: true },
      FastTrack: { Type: "Pass", Result: "fast", ResultPath: "$.route", End: true },
      ApplyCoupon: { Type: "Pass", Result: "coupon", ResultPath: "$.route", End: true },
      Standard: { Type: "Pass", Result: "standard", ResultPath: "$.route", End: true },
    },
  },
  input: { amount: 1500, country: "FR", vip: false },
  mocks: {},
};

const wait = {
  id: "wait",
  title: "Wait: Seconds, SecondsPath, Timestamp",
  summary: "Three kinds of Wait on the virtual clock: nothing waits for real. Watch the clock and the timeline.",
  definition: {
    StartAt: "Fixed",
    States: {
      Fixed: { Type: "Wait", Seconds: 10, Next: "FromInput" },
      FromInput: { Type: "Wait", SecondsPath: "$.delay", Next: "Until" },
      Until: { Type: "Wait", Timestamp: "2024-01-01T01:00:00Z", Next: "Done" },
      Done: { Type: "Succeed" },
    },
  },
  input: { delay: 90 },
  mocks: {},
};

const parallel = {
  id: "parallel",
  title: "Parallel: branches and their results",
  summary: "Three branches run at once, each with its own latency; the Parallel's result is an array, one entry per branch.",
  definition: {
    StartAt: "Fetch",
    States: {
      Fetch: {
        Type: "Parallel",
        Branches: [
          { StartAt: "Profile", States: { Profile: { Type: "Task", Resource: lambda, Parameters: { FunctionName: "profile", "Payload.$": "$" }, OutputPath: "$.Payload", End: true } } },
          { StartAt: "Orders", States: { Orders: { Type: "Task", Resource: lambda, Parameters: { FunctionName: "orders", "Payload.$": "$" }, OutputPath: "$.Payload", End: true } } },
          {
            StartAt: "Pause",
            States: { Pause: { Type: "Wait", Seconds: 3, Next: "Score" }, Score: { Type: "Pass", Result: { score: 0.93 }, End: true } },
          },
        ],
        ResultPath: "$.results",
        Next: "Merge",
      },
      Merge: {
        Type: "Pass",
        Parameters: { "profile.$": "$.results[0]", "orders.$": "$.results[1]", "score.$": "$.results[2].score" },
        End: true,
      },
    },
  },
  input: { userId: "u-1" },
  mocks: {
    Profile: { Return: { name: "Grace" }, DelaySeconds: 2 },
    Orders: { Return: { count: 12 }, DelaySeconds: 5 },
  },
};

const map = {
  id: "map",
  title: "Map: items, MaxConcurrency, ItemSelector",
  summary: "Five items, two at a time (MaxConcurrency 2). The timeline shows the iterations overlapping.",
  definition: {
    StartAt: "ResizeAll",
    States: {
      ResizeAll: {
        Type: "Map",
        ItemsPath: "$.images",
        MaxConcurrency: 2,
        ItemSelector: { "image.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index", "width.$": "$.width" },
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: "Resize",
          States: {
            Resize: { Type: "Task", Resource: lambda, Parameters: { FunctionName: "resize", "Payload.$": "$" }, OutputPath: "$.Payload", End: true },
          },
        },
        ResultPath: "$.thumbnails",
        End: true,
      },
    },
  },
  input: { width: 200, images: ["a.png", "b.png", "c.png", "d.png", "e.png"] },
  mocks: {
    Resize: [
      { Return: { ok: true }, DelaySeconds: 3 },
      { Return: { ok: true }, DelaySeconds: 1 },
      { Return: { ok: true }, DelaySeconds: 2 },
      { Return: { ok: true }, DelaySeconds: 1 },
      { Return: { ok: true }, DelaySeconds: 2 },
    ],
  },
};

const callback = {
  id: "callback",
  title: "Callback: .waitForTaskToken and an activity",
  summary:
    "Neither task has a mock, so each pauses with a token. Answer them in the Waiting for panel: success with an output, " +
    "failure with an error (caught here), or a heartbeat.",
  definition: {
    StartAt: "AskForSignature",
    States: {
      AskForSignature: {
        Type: "Task",
        Resource: "arn:aws:states:::sns:publish.waitForTaskToken",
        Parameters: {
          TopicArn: arn("sns", "signatures"),
          Message: { "document.$": "$.document", "token.$": "$$.Task.Token" },
        },
        HeartbeatSeconds: 3600,
        Catch: [{ ErrorEquals: ["Signature.Refused"], ResultPath: "$.refusal", Next: "Refused" }],
        ResultPath: "$.signature",
        Next: "Archive",
      },
      Archive: {
        Type: "Task",
        Resource: arn("states", "activity:archive-document"),
        ResultPath: "$.archive",
        Next: "Signed",
      },
      Signed: { Type: "Succeed" },
      Refused: { Type: "Fail", Error: "Signature.Refused", Cause: "The signer refused" },
    },
  },
  input: { document: "contract-42.pdf" },
  mocks: {},
  answers: { AskForSignature: { signedBy: "Ada", at: "2024-01-01T00:00:00Z" }, Archive: { location: "s3://archive/contract-42.pdf" } },
};

const mockConfig = {
  id: "mock-config",
  title: "Step Functions Local MockConfigFile: test cases",
  summary:
    "The mocks are a MockConfigFile with two test cases: pick HappyPath or PaymentDeclined above the mocks editor and run again.",
  definition: {
    StartAt: "ReserveStock",
    States: {
      ReserveStock: { Type: "Task", Resource: lambda, Parameters: { FunctionName: "reserve", "Payload.$": "$" }, ResultPath: "$.reservation", Next: "TakePayment" },
      TakePayment: {
        Type: "Task",
        Resource: lambda,
        Parameters: { FunctionName: "pay", "Payload.$": "$" },
        Retry: [{ ErrorEquals: ["Lambda.ServiceException"], IntervalSeconds: 1, MaxAttempts: 2 }],
        Catch: [{ ErrorEquals: ["Payment.Declined"], ResultPath: "$.error", Next: "ReleaseStock" }],
        ResultPath: "$.payment",
        Next: "Shipped",
      },
      Shipped: { Type: "Succeed" },
      ReleaseStock: { Type: "Pass", Result: "released", ResultPath: "$.stock", Next: "Declined" },
      Declined: { Type: "Fail", Error: "Payment.Declined", Cause: "The card was declined" },
    },
  },
  input: { orderId: "o-1", sku: "book-9" },
  mocks: {
    StateMachines: {
      Checkout: {
        TestCases: {
          HappyPath: { ReserveStock: "Reserved", TakePayment: "FlakyThenPaid" },
          PaymentDeclined: { ReserveStock: "Reserved", TakePayment: "Declined" },
        },
      },
    },
    MockedResponses: {
      Reserved: { "0": { Return: { StatusCode: 200, Payload: { reserved: true } } } },
      FlakyThenPaid: {
        "0": { Throw: { Error: "Lambda.ServiceException", Cause: "Service unavailable" } },
        "1": { Return: { StatusCode: 200, Payload: { paid: true } } },
      },
      Declined: { "0": { Throw: { Error: "Payment.Declined", Cause: "Insufficient funds" } } },
    },
  },
  testCase: "HappyPath",
};

const loop = {
  id: "endless",
  title: "An endless loop (stops at 25,000 events)",
  summary:
    "A Choice that always loops back. The run goes on in chunks, so the page stays responsive, until AWS's 25,000-event limit fails the execution.",
  definition: {
    StartAt: "Count",
    States: {
      Count: { Type: "Pass", Parameters: { "n.$": "States.MathAdd($.n, 1)" }, Next: "Again?" },
      "Again?": { Type: "Choice", Choices: [{ Variable: "$.n", NumericGreaterThanEquals: 0, Next: "Count" }], Default: "Never" },
      Never: { Type: "Succeed" },
    },
  },
  input: { n: 0 },
  mocks: {},
};

const failure = {
  id: "succeed-fail",
  title: "Succeed and Fail",
  summary: "A Choice ends in Succeed or Fail. Set ok to false in the input to see a FAILED execution with its error and cause.",
  definition: {
    StartAt: "Check",
    States: {
      Check: { Type: "Choice", Choices: [{ Variable: "$.ok", BooleanEquals: true, Next: "AllGood" }], Default: "Broken" },
      AllGood: { Type: "Succeed", Comment: "Ends the execution with its input as output" },
      Broken: { Type: "Fail", Error: "Check.Failed", Cause: "ok was not true" },
    },
  },
  input: { ok: true },
  mocks: {},
};

const variables = {
  id: "variables",
  title: "Variables: Assign and $variables",
  summary: "Assign stores values in variables that later states read with $name; the inspector lists the variables in scope.",
  definition: {
    StartAt: "Remember",
    States: {
      Remember: { Type: "Pass", Assign: { "orderId.$": "$.orderId", attempts: 0 }, Next: "Use" },
      Use: { Type: "Pass", Parameters: { "order.$": "$orderId", "attempts.$": "$attempts" }, End: true },
    },
  },
  input: { orderId: "o-9" },
  mocks: {},
};

const jsonata = {
  id: "jsonata",
  title: "JSONata: Arguments, Output, Assign, Condition",
  summary:
    "QueryLanguage JSONata: {% %} expressions in Arguments, Output, Assign and Choice Conditions, a Map with MaxConcurrency, " +
    "a retry with FULL jitter from the seed, and a Catch with its own Output.",
  definition: {
    "Comment": "JSONata with variables, a Map over items, a Catch, $uuid/$random from the seed and $now from the virtual clock",
    "QueryLanguage": "JSONata",
    "StartAt": "Init",
    "States": {
      "Init": {
        "Type": "Pass",
        "Assign": {
          "rate": "{% $states.input.rate %}",
          "runId": "{% $uuid() %}",
          "startedAt": "{% $now() %}"
        },
        "Output": {
          "orders": "{% $states.input.orders %}"
        },
        "Next": "PriceAll"
      },
      "PriceAll": {
        "Type": "Map",
        "Items": "{% $states.input.orders %}",
        "MaxConcurrency": 2,
        "ItemSelector": {
          "order": "{% $states.context.Map.Item.Value %}",
          "index": "{% $states.context.Map.Item.Index %}"
        },
        "ItemProcessor": {
          "StartAt": "Price",
          "States": {
            "Price": {
              "Type": "Task",
              "Resource": "arn:aws:states:::lambda:invoke",
              "Arguments": {
                "FunctionName": "price",
                "Payload": {
                  "qty": "{% $states.input.order.qty %}",
                  "rate": "{% $rate %}"
                }
              },
              "Retry": [
                {
                  "ErrorEquals": [
                    "Throttled"
                  ],
                  "IntervalSeconds": 2,
                  "BackoffRate": 2,
                  "JitterStrategy": "FULL"
                }
              ],
              "Output": {
                "index": "{% $states.input.index %}",
                "total": "{% $states.result.Payload.total %}"
              },
              "End": true
            }
          }
        },
        "Assign": {
          "grand": "{% $sum($states.result.total) %}"
        },
        "Output": "{% $states.result %}",
        "Next": "Check"
      },
      "Check": {
        "Type": "Choice",
        "Choices": [
          {
            "Condition": "{% $grand > 100 %}",
            "Next": "Charge",
            "Assign": {
              "tier": "big"
            }
          }
        ],
        "Default": "Charge",
        "Assign": {
          "tier": "small"
        }
      },
      "Charge": {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {
          "FunctionName": "charge",
          "Payload": {
            "amount": "{% $grand %}",
            "tier": "{% $tier %}"
          }
        },
        "Catch": [
          {
            "ErrorEquals": [
              "States.ALL"
            ],
            "Next": "Refund",
            "Output": {
              "failed": "{% $states.errorOutput.Error %}",
              "amount": "{% $grand %}"
            }
          }
        ],
        "End": true
      },
      "Refund": {
        "Type": "Pass",
        "Output": {
          "refunded": "{% $states.input.amount %}",
          "tier": "{% $tier %}",
          "runId": "{% $runId %}",
          "lucky": "{% $random() < 2 %}",
          "at": "{% $startedAt %}"
        },
        "End": true
      }
    }
  },
  input: {"rate": 3, "orders": [{"qty": 10}, {"qty": 20}, {"qty": 5}]},
  mocks: {
    "Price": [
      {
        "Throw": {
          "Error": "Throttled",
          "Cause": "slow down"
        }
      },
      {
        "Return": {
          "total": 30
        },
        "DelaySeconds": 1
      },
      {
        "Return": {
          "total": 60
        },
        "DelaySeconds": 3
      },
      {
        "Return": {
          "total": 15
        }
      }
    ],
    "Charge": {
      "Throw": {
        "Error": "Card.Declined",
        "Cause": "insufficient funds"
      }
    }
  },
};

export const EXAMPLES = [onboarding, hello, retryCatch, choice, wait, parallel, map, callback, mockConfig, failure, variables, jsonata, loop];
export const DEFAULT_EXAMPLE = onboarding;

/** An example as the texts the editors hold. */
export function exampleState(example) {
  return {
    definition: JSON.stringify(example.definition, null, 2),
    input: JSON.stringify(example.input, null, 2),
    mocks: JSON.stringify(example.mocks, null, 2),
    testCase: example.testCase,
    seed: DEFAULTS.seed,
  };
}
