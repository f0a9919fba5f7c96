//! The ASL model: a validated, immutable [`StateMachine`].
//!
//! Parsing ([`parse`]) turns definition text into this model, resolving every
//! transition to a [`StateId`] and compiling every path, template and
//! expression once; validation problems come back as [`Diagnostic`]s, all of
//! them in one pass. Execution never looks at the raw JSON again.

mod diagnostic;
mod parse;
mod resource;
mod states;
mod validate;

pub use diagnostic::{Diagnostic, Severity};

use crate::json::{self, SpanMap};
use crate::query::{Expr, Path, ReferencePath, Template};
use crate::value::Value;
use std::rc::Rc;

/// The result of parsing: the machine when there is no error, and every diagnostic found.
pub struct ParseOutcome {
    pub machine: Option<StateMachine>,
    pub diagnostics: Vec<Diagnostic>,
}

/// AWS's hard quota on a definition's size.
const MAX_DEFINITION_BYTES: usize = 1_048_576;

/// Parse and validate definition text.
pub fn parse(text: &str) -> ParseOutcome {
    // AWS refuses definitions over 1 MB (the hard quota), before looking inside them.
    if text.len() > MAX_DEFINITION_BYTES {
        let message = format!("The definition is {} bytes; AWS Step Functions accepts at most {} (1 MB)", text.len(), MAX_DEFINITION_BYTES);
        return ParseOutcome { machine: None, diagnostics: vec![Diagnostic::error(parse::SCHEMA, "", message)] };
    }
    if text.trim().is_empty() {
        let d = Diagnostic::error("MISSING_DESCRIPTION", "", "The state machine definition is empty");
        return ParseOutcome { machine: None, diagnostics: vec![d] };
    }
    match json::parse_with_spans(text) {
        Ok((value, spans)) => build(&value, Some(&spans)),
        Err(e) => {
            let (line, column) = json::line_column(text, e.offset);
            let mut d = Diagnostic::error("INVALID_JSON_DESCRIPTION", "", format!("Invalid JSON: {} at line {}, column {}", e.message, line, column));
            let start = e.offset.min(text.len());
            let end = text[start..].chars().next().map_or(start, |c| start + c.len_utf8());
            d.span = (start, end);
            ParseOutcome { machine: None, diagnostics: vec![d] }
        }
    }
}

/// Parse and validate a definition already parsed as JSON (no spans: every span is empty).
pub fn parse_value(v: &Value) -> ParseOutcome {
    build(v, None)
}

/// The passes in order: `parse.rs` finds the scopes and states, `states/` reads each
/// state's fields into the model, `validate.rs` lints and checks the graph. The machine
/// comes back only when none of them found an error.
fn build(root: &Value, spans: Option<&SpanMap>) -> ParseOutcome {
    let mut b = parse::Builder::new(spans);
    let machine = b.machine(root);
    b.validate();
    let machine = if b.ctx.errors == 0 { machine } else { None };
    ParseOutcome { machine, diagnostics: b.ctx.diagnostics }
}

/// Index of a state in [`StateMachine::states`]. State names are unique in the
/// whole machine, nested branches and Map processors included.
pub type StateId = usize;

/// The query language of a state or machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryLanguage {
    JsonPath,
    Jsonata,
}

/// A validated state machine.
#[derive(Debug)]
pub struct StateMachine {
    pub comment: Option<String>,
    pub version: Option<String>,
    /// Execution timeout in seconds (`TimeoutSeconds` at the top).
    pub timeout_seconds: Option<u64>,
    pub query_language: QueryLanguage,
    /// Every state of the machine, nested ones included.
    pub states: Vec<State>,
    /// The top-level `StartAt`/`States` block.
    pub root: Scope,
}

/// One `StartAt` + `States` block: the top level, a Parallel branch or a Map processor.
#[derive(Debug, Clone)]
pub struct Scope {
    pub start_at: StateId,
    /// The states of this block, in definition order.
    pub states: Vec<StateId>,
}

/// Where a state goes when it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Next(StateId),
    End,
}

/// One state: the fields every state type shares, then its type's own.
#[derive(Debug)]
pub struct State {
    pub name: Rc<str>,
    /// JSON pointer of the state in the definition, e.g. `/States/M/ItemProcessor/States/P`.
    pub pointer: String,
    pub comment: Option<String>,
    pub query_language: QueryLanguage,
    /// `InputPath`: `None` for `null` (the effective input becomes `{}`); defaults to `$`.
    pub input_path: Option<Path>,
    /// `OutputPath`: `None` for `null` (the output becomes `{}`); defaults to `$`.
    pub output_path: Option<Path>,
    /// `Assign` (JSONPath mode: a payload template whose `.$` keys are evaluated; JSONata
    /// mode: a template whose `{% %}` strings are evaluated).
    pub assign: Option<Template>,
    /// JSONata `Output` (absent: the state's default output).
    pub output: Option<Template>,
    pub kind: StateKind,
}

/// The type-specific part of a state.
#[derive(Debug)]
pub enum StateKind {
    Pass(PassState),
    Task(Box<TaskState>),
    Choice(ChoiceState),
    Wait(WaitState),
    Succeed,
    Fail(FailState),
    Parallel(Box<ParallelState>),
    Map(Box<MapState>),
}

impl StateKind {
    /// The `Type` name, as in the definition and in history event types (`PassStateEntered`).
    pub fn type_name(&self) -> &'static str {
        StateType::of(self).as_str()
    }
}

/// A state's `Type`, read once from the definition. Everything that depends on the type
/// matches on this exhaustively, so a new state type does not compile until each of those
/// places handles it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateType {
    Pass,
    Task,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

impl StateType {
    /// Every state type, in the order AWS's schema message lists them.
    pub const ALL: [StateType; 8] = [
        StateType::Pass,
        StateType::Task,
        StateType::Choice,
        StateType::Wait,
        StateType::Succeed,
        StateType::Fail,
        StateType::Parallel,
        StateType::Map,
    ];

    pub fn of(kind: &StateKind) -> StateType {
        match kind {
            StateKind::Pass(_) => StateType::Pass,
            StateKind::Task(_) => StateType::Task,
            StateKind::Choice(_) => StateType::Choice,
            StateKind::Wait(_) => StateType::Wait,
            StateKind::Succeed => StateType::Succeed,
            StateKind::Fail(_) => StateType::Fail,
            StateKind::Parallel(_) => StateType::Parallel,
            StateKind::Map(_) => StateType::Map,
        }
    }

    /// The name as the definition spells it and history event types use it (`PassStateEntered`).
    pub fn as_str(self) -> &'static str {
        match self {
            StateType::Pass => "Pass",
            StateType::Task => "Task",
            StateType::Choice => "Choice",
            StateType::Wait => "Wait",
            StateType::Succeed => "Succeed",
            StateType::Fail => "Fail",
            StateType::Parallel => "Parallel",
            StateType::Map => "Map",
        }
    }

    /// The type a `Type` value names; names are case-sensitive, as on AWS.
    pub fn from_name(name: &str) -> Option<StateType> {
        StateType::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

#[derive(Debug)]
pub struct PassState {
    pub result: Option<Value>,
    pub parameters: Option<Template>,
    /// `ResultPath`: `None` for `null` (the result is discarded); defaults to `$`.
    pub result_path: Option<ReferencePath>,
    pub transition: Transition,
}

/// How a Task's `Resource` ARN is understood; it decides the history event family.
#[derive(Debug, Clone, PartialEq)]
pub enum Resource {
    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]` → `LambdaFunction*` events.
    LambdaFunction { arn: String },
    /// `arn:aws:states:REGION:ACCOUNT:activity:NAME` → `Activity*` events.
    Activity { arn: String },
    /// `arn:aws:states:::SERVICE:ACTION[.PATTERN]` (and `aws-sdk:SERVICE:ACTION`) → `Task*` events.
    Integration {
        arn: String,
        /// `resourceType` in history, e.g. `lambda`, `sqs`, `aws-sdk:s3`.
        resource_type: String,
        /// `resource` in history, e.g. `invoke`, `sendMessage.waitForTaskToken`.
        resource: String,
        pattern: IntegrationPattern,
    },
}

impl Resource {
    pub fn arn(&self) -> &str {
        match self {
            Resource::LambdaFunction { arn } | Resource::Activity { arn } | Resource::Integration { arn, .. } => arn,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegrationPattern {
    RequestResponse,
    /// `.sync` or `.sync:2`
    Sync,
    /// `.waitForTaskToken`
    WaitForTaskToken,
}

/// A number given literally or read from the input by a `…Path` field.
#[derive(Debug, Clone)]
pub enum NumberSource {
    Literal(u64),
    Path(Path),
    /// JSONata: a `{% %}` expression giving the number.
    Jsonata(Template),
}

#[derive(Debug)]
pub struct TaskState {
    pub resource: Resource,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata).
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub result_path: Option<ReferencePath>,
    /// `TimeoutSeconds` / `TimeoutSecondsPath`; AWS's default is 99999999.
    pub timeout_seconds: Option<NumberSource>,
    /// `HeartbeatSeconds` / `HeartbeatSecondsPath`.
    pub heartbeat_seconds: Option<NumberSource>,
    pub credentials: Option<Template>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub transition: Transition,
}

#[derive(Debug)]
pub struct ChoiceState {
    pub choices: Vec<ChoiceRule>,
    pub default: Option<StateId>,
}

#[derive(Debug)]
pub struct ChoiceRule {
    pub condition: Condition,
    pub next: StateId,
    /// Rule-level `Assign`, used instead of the state's when this rule matches.
    pub assign: Option<Template>,
    /// JSONata rule-level `Output`, used instead of the state's when this rule matches.
    pub output: Option<Template>,
}

/// A Choice rule's test.
#[derive(Debug)]
pub enum Condition {
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
    Compare {
        variable: Path,
        operator: Operator,
        operand: Operand,
    },
    /// JSONata `Condition`: `true`, `false` or a `{% %}` expression.
    Jsonata(Template),
}

/// The right-hand side of a comparison: a literal, or a `…Path` field's path.
#[derive(Debug, Clone)]
pub enum Operand {
    Literal(Value),
    Path(Path),
}

/// Every Choice data-test operator (the `…Path` forms carry an [`Operand::Path`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    StringEquals,
    StringLessThan,
    StringGreaterThan,
    StringLessThanEquals,
    StringGreaterThanEquals,
    StringMatches,
    NumericEquals,
    NumericLessThan,
    NumericGreaterThan,
    NumericLessThanEquals,
    NumericGreaterThanEquals,
    BooleanEquals,
    TimestampEquals,
    TimestampLessThan,
    TimestampGreaterThan,
    TimestampLessThanEquals,
    TimestampGreaterThanEquals,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

#[derive(Debug)]
pub struct WaitState {
    pub wait: WaitFor,
    pub transition: Transition,
}

#[derive(Debug, Clone)]
pub enum WaitFor {
    Seconds(u64),
    /// Milliseconds since the Unix epoch.
    Timestamp(i64),
    SecondsPath(Path),
    TimestampPath(Path),
    /// JSONata `Seconds` given by an expression.
    SecondsJsonata(Template),
    /// JSONata `Timestamp` given by an expression.
    TimestampJsonata(Template),
}

#[derive(Debug)]
pub struct FailState {
    pub error: Option<FailField>,
    pub cause: Option<FailField>,
}

/// `Error`/`Cause` given literally, or `ErrorPath`/`CausePath` (a path or an intrinsic).
#[derive(Debug)]
pub enum FailField {
    Literal(String),
    Expr(Expr),
    /// JSONata: a `{% %}` expression giving the string.
    Jsonata(Template),
}

#[derive(Debug)]
pub struct ParallelState {
    pub branches: Vec<Scope>,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata).
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub result_path: Option<ReferencePath>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub transition: Transition,
}

#[derive(Debug)]
pub struct MapState {
    pub processor: Scope,
    /// `ItemsPath`, default `$`.
    pub items_path: Path,
    /// JSONata `Items` (absent: the state's input).
    pub items: Option<Template>,
    /// `ItemSelector` (or the deprecated `Parameters`).
    pub item_selector: Option<Template>,
    /// `MaxConcurrency` / `MaxConcurrencyPath`; 0 means no limit.
    pub max_concurrency: NumberSource,
    pub tolerated_failure_count: Option<NumberSource>,
    /// `ToleratedFailurePercentage` / `…Path` (a literal is a whole or fractional percentage).
    pub tolerated_failure_percentage: Option<PercentSource>,
    pub distributed: bool,
    pub label: Option<String>,
    pub result_selector: Option<Template>,
    pub result_path: Option<ReferencePath>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub transition: Transition,
    /// `ProcessorConfig.ExecutionType` (DISTRIBUTED mode only).
    pub execution_type: Option<ExecutionType>,
    /// `ItemReader` (DISTRIBUTED mode: where the items come from instead of the input).
    pub item_reader: Option<ItemReader>,
    /// `ItemBatcher` (DISTRIBUTED mode: items grouped into batches).
    pub item_batcher: Option<ItemBatcher>,
    /// `ResultWriter` (DISTRIBUTED mode: where the results go).
    pub result_writer: Option<ResultWriter>,
}

/// `ProcessorConfig.ExecutionType` of a distributed Map: how child executions run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionType {
    Standard,
    Express,
}

/// A distributed Map's `ItemReader`.
#[derive(Debug)]
pub struct ItemReader {
    /// e.g. `arn:aws:states:::s3:getObject` or `arn:aws:states:::s3:listObjectsV2`.
    pub resource: Resource,
    /// `Parameters` (`Bucket`, `Key`, `Prefix`, …).
    pub parameters: Option<Template>,
    pub reader_config: ReaderConfig,
}

/// `ItemReader.ReaderConfig`: enum-valued options are kept as AWS spells them (`CSV`, `FIRST_ROW`, …).
#[derive(Debug, Default)]
pub struct ReaderConfig {
    pub input_type: Option<String>,
    pub transformation: Option<String>,
    pub manifest_type: Option<String>,
    pub csv_delimiter: Option<String>,
    pub csv_header_location: Option<String>,
    pub csv_headers: Vec<String>,
    /// `MaxItems` / `MaxItemsPath`.
    pub max_items: Option<NumberSource>,
    pub items_pointer: Option<String>,
}

/// A distributed Map's `ItemBatcher`.
#[derive(Debug)]
pub struct ItemBatcher {
    /// `MaxItemsPerBatch` / `MaxItemsPerBatchPath`.
    pub max_items_per_batch: Option<NumberSource>,
    /// `MaxInputBytesPerBatch` / `MaxInputBytesPerBatchPath`.
    pub max_input_bytes_per_batch: Option<NumberSource>,
    /// `BatchInput`, a payload template merged into every batch.
    pub batch_input: Option<Template>,
}

/// A distributed Map's `ResultWriter`.
#[derive(Debug)]
pub struct ResultWriter {
    /// `arn:aws:states:::s3:putObject`; absent when only `WriterConfig` formats the result.
    pub resource: Option<Resource>,
    pub parameters: Option<Template>,
    pub writer_config: Option<WriterConfig>,
}

/// `ResultWriter.WriterConfig`, as AWS spells the values (`JSON`/`JSONL`, `NONE`/`COMPACT`/`FLATTEN`).
#[derive(Debug)]
pub struct WriterConfig {
    pub output_type: String,
    pub transformation: String,
}

#[derive(Debug, Clone)]
pub enum PercentSource {
    Literal(f64),
    Path(Path),
    Jsonata(Template),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    None,
    Full,
}

#[derive(Debug, Clone)]
pub struct Retrier {
    pub error_equals: Vec<Rc<str>>,
    /// Default 1.
    pub interval_seconds: u64,
    /// Default 3; 0 means never retry.
    pub max_attempts: u64,
    /// Default 2.0.
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<u64>,
    pub jitter: Jitter,
}

#[derive(Debug)]
pub struct Catcher {
    pub error_equals: Vec<Rc<str>>,
    pub next: StateId,
    /// Default `$`: the error output replaces the input; `None` for `null`.
    pub result_path: Option<ReferencePath>,
    pub assign: Option<Template>,
    /// JSONata `Output` of the catcher (absent: the error output).
    pub output: Option<Template>,
}

impl StateMachine {
    /// The state with this name, anywhere in the machine.
    pub fn state_id(&self, name: &str) -> Option<StateId> {
        self.states.iter().position(|s| &*s.name == name)
    }
}
