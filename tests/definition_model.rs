//! The parsed model: each state type and field lands where the engine expects it.

use asl_sim::definition::*;
use asl_sim::json;
use asl_sim::Value;

fn machine(text: &str) -> StateMachine {
    let outcome = parse(text);
    match outcome.machine {
        Some(m) => m,
        None => panic!("expected a valid machine, got {:#?}", outcome.diagnostics),
    }
}

fn state<'m>(m: &'m StateMachine, name: &str) -> &'m State {
    &m.states[m.state_id(name).unwrap_or_else(|| panic!("no state {}", name))]
}

/// `(code, pointer)` of every diagnostic.
fn codes(text: &str) -> Vec<(&'static str, String)> {
    parse(text).diagnostics.into_iter().map(|d| (d.code, d.pointer)).collect()
}

/// A one-state machine around `state` (a JSON object text).
fn one(state: &str) -> String {
    format!(r#"{{"StartAt":"S","States":{{"S":{}}}}}"#, state)
}

#[test]
fn pass_defaults() {
    let m = machine(&one(r#"{"Type":"Pass","End":true}"#));
    let s = state(&m, "S");
    assert_eq!((&*s.name, s.pointer.as_str(), s.query_language), ("S", "/States/S", QueryLanguage::JsonPath));
    assert!(s.input_path.as_ref().unwrap().is_identity() && s.output_path.as_ref().unwrap().is_identity());
    assert!(s.assign.is_none() && s.comment.is_none());
    let StateKind::Pass(p) = &s.kind else { panic!() };
    assert!(p.result_path.as_ref().unwrap().is_root() && p.result.is_none() && p.parameters.is_none());
    assert_eq!(p.transition, Transition::End);
    assert_eq!((m.root.start_at, m.root.states.clone()), (0, vec![0]));
    assert_eq!((m.query_language, m.timeout_seconds), (QueryLanguage::JsonPath, None));
}

#[test]
fn null_paths_are_none() {
    let m = machine(&one(r#"{"Type":"Pass","InputPath":null,"OutputPath":null,"ResultPath":null,"Result":{"a":1},"End":true}"#));
    let s = state(&m, "S");
    assert!(s.input_path.is_none() && s.output_path.is_none());
    let StateKind::Pass(p) = &s.kind else { panic!() };
    assert!(p.result_path.is_none());
    assert_eq!(p.result.as_ref().unwrap().to_json(), r#"{"a":1}"#);
}

#[test]
fn task_fields_and_defaults() {
    let m = machine(
        r#"{"StartAt":"T","TimeoutSeconds":60,"Comment":"c","States":{
            "T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                 "Parameters":{"QueueUrl":"q","MessageBody":{"token.$":"$$.Task.Token"}},
                 "ResultSelector":{"r.$":"$.x"},"ResultPath":"$.out","HeartbeatSecondsPath":"$.hb",
                 "Credentials":{"RoleArn":"arn:aws:iam::1:role/r"},
                 "Retry":[{"ErrorEquals":["A","B"]},{"ErrorEquals":["States.ALL"],"IntervalSeconds":3,"MaxAttempts":0,"BackoffRate":1,"MaxDelaySeconds":10,"JitterStrategy":"FULL"}],
                 "Catch":[{"ErrorEquals":["States.ALL"],"Next":"L"}],
                 "Next":"L"},
            "L":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","TimeoutSeconds":5,"End":true}}}"#,
    );
    assert_eq!((m.timeout_seconds, m.comment.as_deref()), (Some(60), Some("c")));
    let l = m.state_id("L").unwrap();
    let StateKind::Task(t) = &state(&m, "T").kind else { panic!() };
    assert!(matches!(&t.resource, Resource::Integration { resource_type, resource, pattern: IntegrationPattern::WaitForTaskToken, .. }
        if resource_type == "sqs" && resource == "sendMessage.waitForTaskToken"));
    assert!(t.parameters.is_some() && t.result_selector.is_some() && t.credentials.is_some());
    assert_eq!(t.result_path.as_ref().unwrap().text(), "$.out");
    assert!(t.timeout_seconds.is_none(), "absent TimeoutSeconds stays None (the engine applies 99999999)");
    assert!(matches!(&t.heartbeat_seconds, Some(NumberSource::Path(p)) if p.text() == "$.hb"));
    let r = &t.retry[0];
    assert_eq!(
        (r.error_equals.len(), r.interval_seconds, r.max_attempts, r.backoff_rate, r.max_delay_seconds, r.jitter),
        (2, 1, 3, 2.0, None, Jitter::None)
    );
    let r = &t.retry[1];
    assert_eq!((r.interval_seconds, r.max_attempts, r.backoff_rate, r.max_delay_seconds, r.jitter), (3, 0, 1.0, Some(10), Jitter::Full));
    assert_eq!(t.catch[0].next, l);
    assert!(t.catch[0].result_path.as_ref().unwrap().is_root());
    assert_eq!(t.transition, Transition::Next(l));
    let StateKind::Task(t) = &state(&m, "L").kind else { panic!() };
    assert!(matches!(t.resource, Resource::LambdaFunction { .. }));
    assert!(matches!(t.timeout_seconds, Some(NumberSource::Literal(5))));
}

#[test]
fn resources_of_every_family() {
    let kind = |arn: &str| {
        let m = machine(&one(&format!(r#"{{"Type":"Task","Resource":"{}","End":true}}"#, arn)));
        let StateKind::Task(t) = &m.states[0].kind else { panic!() };
        match &t.resource {
            Resource::LambdaFunction { .. } => "function".to_string(),
            Resource::Activity { .. } => "activity".to_string(),
            Resource::Integration { resource_type, resource, pattern, .. } => format!("{} {} {:?}", resource_type, resource, pattern),
        }
    };
    assert_eq!(kind("arn:aws:states:::lambda:invoke"), "lambda invoke RequestResponse");
    assert_eq!(kind("arn:aws:states:::aws-sdk:s3:listBuckets"), "aws-sdk:s3 listBuckets RequestResponse");
    assert_eq!(kind("arn:aws:states:::states:startExecution.sync:2"), "states startExecution.sync:2 Sync");
    assert_eq!(kind("arn:aws:states:::batch:submitJob.sync"), "batch submitJob.sync Sync");
    assert_eq!(kind("arn:<partition>:lambda:<region>:111111111111:function:<lambda_function_name>"), "function");
    assert_eq!(kind("arn:aws:states:us-east-1:111111111111:activity:placeholder-activity"), "activity");
    assert_eq!(codes(&one(r#"{"Type":"Task","Resource":"arn:aws:s3:::bucket","End":true}"#)), [("INVALID_RESOURCE", "/States/S/Resource".into())]);
}

#[test]
fn choice_rules_and_operators() {
    let m = machine(
        r#"{"StartAt":"C","States":{
            "C":{"Type":"Choice","Choices":[
                {"And":[{"Variable":"$.a","NumericGreaterThanEqualsPath":"$.b"},{"Not":{"Variable":"$$.Execution.Name","StringMatches":"x*"}}],"Next":"A","Assign":{"hit":true}},
                {"Or":[{"Variable":"$v","IsPresent":false},{"Variable":"$.t","TimestampLessThan":"2024-01-01T00:00:00Z"}],"Next":"B"}],
             "Default":"B"},
            "A":{"Type":"Succeed"},"B":{"Type":"Succeed"}}}"#,
    );
    let (a, b) = (m.state_id("A").unwrap(), m.state_id("B").unwrap());
    let StateKind::Choice(c) = &state(&m, "C").kind else { panic!() };
    assert_eq!((c.choices[0].next, c.choices[1].next, c.default), (a, b, Some(b)));
    assert!(c.choices[0].assign.is_some() && c.choices[1].assign.is_none());
    let Condition::And(parts) = &c.choices[0].condition else { panic!() };
    assert!(matches!(&parts[0], Condition::Compare { variable, operator: Operator::NumericGreaterThanEquals, operand: Operand::Path(p) }
        if variable.text() == "$.a" && p.text() == "$.b"));
    let Condition::Not(inner) = &parts[1] else { panic!() };
    assert!(
        matches!(&**inner, Condition::Compare { operator: Operator::StringMatches, operand: Operand::Literal(Value::String(s)), .. } if &**s == "x*")
    );
    let Condition::Or(parts) = &c.choices[1].condition else { panic!() };
    assert!(matches!(&parts[0], Condition::Compare { operator: Operator::IsPresent, operand: Operand::Literal(Value::Bool(false)), .. }));
    assert!(matches!(&parts[1], Condition::Compare { operator: Operator::TimestampLessThan, .. }));
}

#[test]
fn wait_forms() {
    let wait = |field: &str| {
        let m = machine(&one(&format!(r#"{{"Type":"Wait",{},"End":true}}"#, field)));
        let StateKind::Wait(w) = &m.states[0].kind else { panic!() };
        w.wait.clone()
    };
    assert!(matches!(wait(r#""Seconds":0"#), WaitFor::Seconds(0)));
    assert!(matches!(wait(r#""Timestamp":"2024-01-01T00:00:01.5Z""#), WaitFor::Timestamp(1_704_067_201_500)));
    assert!(matches!(wait(r#""SecondsPath":"$.s""#), WaitFor::SecondsPath(_)));
    assert!(matches!(wait(r#""TimestampPath":"$start""#), WaitFor::TimestampPath(_)));
}

#[test]
fn fail_fields() {
    let m = machine(&one(r#"{"Type":"Fail","Error":"E","CausePath":"$.cause"}"#));
    let StateKind::Fail(f) = &m.states[0].kind else { panic!() };
    assert!(matches!(&f.error, Some(FailField::Literal(e)) if e == "E"));
    assert!(matches!(&f.cause, Some(FailField::Expr(e)) if e.text() == "$.cause"));
    let m = machine(&one(r#"{"Type":"Fail"}"#));
    assert!(matches!(&m.states[0].kind, StateKind::Fail(FailState { error: None, cause: None })));
}

#[test]
fn parallel_branches_share_the_flat_table() {
    let m = machine(
        r#"{"StartAt":"P","States":{
            "P":{"Type":"Parallel","Branches":[
                {"StartAt":"A1","States":{"A1":{"Type":"Pass","Next":"A2"},"A2":{"Type":"Pass","End":true}}},
                {"StartAt":"B1","States":{"B1":{"Type":"Succeed"}}}],"Next":"Z"},
            "Z":{"Type":"Succeed"}}}"#,
    );
    let names: Vec<&str> = m.states.iter().map(|s| &*s.name).collect();
    assert_eq!(names, ["P", "A1", "A2", "B1", "Z"], "depth-first, in definition order");
    assert_eq!(state(&m, "A2").pointer, "/States/P/Branches/0/States/A2");
    let StateKind::Parallel(p) = &state(&m, "P").kind else { panic!() };
    assert_eq!((p.branches[0].start_at, p.branches[0].states.clone(), p.branches[1].states.clone()), (1, vec![1, 2], vec![3]));
    assert!(matches!(&state(&m, "A1").kind, StateKind::Pass(PassState { transition: Transition::Next(2), .. })));
    assert_eq!(m.root.states, vec![0, 4]);
}

#[test]
fn map_fields() {
    let m = machine(
        r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","Parameters":{"i.$":"$$.Map.Item.Index"},
            "MaxConcurrencyPath":"$.n","ToleratedFailureCount":2,"ToleratedFailurePercentage":12.5,"Label":"Fan",
            "ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN","CSVHeaders":["a","b"],"MaxItems":10},"Parameters":{"Bucket":"b","Key":"k"}},
            "ItemBatcher":{"MaxItemsPerBatch":5,"BatchInput":{"x":1}},
            "ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"b","Prefix":"p"},"WriterConfig":{"OutputType":"JSONL","Transformation":"COMPACT"}},
            "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},
            "End":true}}}"#,
    );
    let StateKind::Map(map) = &state(&m, "M").kind else { panic!() };
    assert_eq!((map.processor.start_at, map.items_path.text(), map.label.as_deref()), (1, "$.items", Some("Fan")));
    assert!(map.item_selector.is_some(), "the deprecated Parameters is the ItemSelector");
    assert!(matches!(&map.max_concurrency, NumberSource::Path(p) if p.text() == "$.n"));
    assert!(matches!(map.tolerated_failure_count, Some(NumberSource::Literal(2))));
    assert!(matches!(map.tolerated_failure_percentage, Some(PercentSource::Literal(p)) if p == 12.5));
    assert!(map.distributed && map.execution_type == Some(ExecutionType::Express));
    let reader = map.item_reader.as_ref().unwrap();
    assert_eq!((reader.reader_config.input_type.as_deref(), reader.reader_config.csv_headers.len()), (Some("CSV"), 2));
    assert!(matches!(reader.reader_config.max_items, Some(NumberSource::Literal(10))));
    assert!(matches!(map.item_batcher.as_ref().unwrap().max_items_per_batch, Some(NumberSource::Literal(5))));
    let writer = map.result_writer.as_ref().unwrap().writer_config.as_ref().unwrap();
    assert_eq!((writer.output_type.as_str(), writer.transformation.as_str()), ("JSONL", "COMPACT"));

    let m = machine(&one(r#"{"Type":"Map","Iterator":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}"#));
    let StateKind::Map(map) = &m.states[0].kind else { panic!() };
    assert!(matches!(map.max_concurrency, NumberSource::Literal(0)) && !map.distributed && map.items_path.is_identity());
}

#[test]
fn assign_on_states_and_catchers() {
    let m = machine(
        r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Assign":{"x.$":"$.Payload","y":1},
            "Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"err.$":"$.Error"},"ResultPath":null,"Next":"D"}],"Next":"D"},"D":{"Type":"Succeed"}}}"#,
    );
    let t = state(&m, "T");
    assert!(t.assign.is_some());
    let StateKind::Task(task) = &t.kind else { panic!() };
    assert!(task.catch[0].assign.is_some() && task.catch[0].result_path.is_none());
}

/// `depth` Parallel states, each the only state of the previous one's only branch.
fn nested_parallels(depth: usize) -> String {
    let mut inner = r#"{"Type":"Pass","End":true}"#.to_string();
    for i in (0..depth).rev() {
        inner = format!(r#"{{"Type":"Parallel","Branches":[{{"StartAt":"S{}","States":{{"S{}":{}}}}}],"End":true}}"#, i + 1, i + 1, inner);
    }
    format!(r#"{{"StartAt":"S0","States":{{"S0":{}}}}}"#, inner)
}

#[test]
fn nesting_is_bounded() {
    assert!(parse(&nested_parallels(32)).machine.is_some());
    let too_deep = codes(&nested_parallels(33));
    assert_eq!(too_deep.len(), 1);
    assert_eq!(too_deep[0].0, "TOO_DEEPLY_NESTED");
    let nots = |n: usize| {
        let mut rule = r#"{"Variable":"$.a","IsPresent":true}"#.to_string();
        for _ in 0..n {
            rule = format!(r#"{{"Not":{}}}"#, rule);
        }
        let rule = format!("{}{}", &rule[..rule.len() - 1], r#","Next":"D"}"#);
        format!(r#"{{"StartAt":"C","States":{{"C":{{"Type":"Choice","Choices":[{}]}},"D":{{"Type":"Succeed"}}}}}}"#, rule)
    };
    assert!(parse(&nots(32)).machine.is_some());
    assert_eq!(codes(&nots(33)).iter().map(|c| c.0).collect::<Vec<_>>(), ["TOO_DEEPLY_NESTED"]);
}

#[test]
fn spans_and_positions() {
    let text = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}\n  }\n}";
    let d = &parse(text).diagnostics[0];
    assert_eq!((d.code, d.pointer.as_str(), &text[d.span.0..d.span.1]), ("MISSING_TRANSITION_TARGET", "/States/A/Next", "\"B\""));
    let p = d.positioned(text, false);
    assert_eq!((p.line, p.column, p.end_line, p.end_column), (4, 35, 4, 38));
    // Without text there are no spans.
    let v = json::parse(text).unwrap();
    assert_eq!(parse_value(&v).diagnostics[0].span, (0, 0));
}

#[test]
fn jsonata_states_parse_and_mixing_is_checked() {
    let jsonata = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% 1 %}","End":true}}}"#;
    assert_eq!(codes(jsonata), []);
    let state_level = one(r#"{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $states.input %}","End":true}"#);
    assert!(parse(&state_level).machine.is_some());
    // A JSONPath-only field in a JSONata state, and a JSONPath state in a JSONata machine.
    let mixed = one(r#"{"Type":"Pass","QueryLanguage":"JSONata","InputPath":"$.a","End":true}"#);
    let d = parse(&mixed).diagnostics;
    assert!(d[0].message.contains("only supported for the 'JSONPath' QueryLanguage"), "{:?}", d);
    let reverse = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","QueryLanguage":"JSONPath","End":true}}}"#;
    assert_eq!(codes(reverse), [("SCHEMA_VALIDATION_FAILED", "/States/A".into())]);
    // A JSONata syntax error is a diagnostic at the field.
    let broken = one(r#"{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% 1 + %}","End":true}"#);
    let d = parse(&broken).diagnostics;
    assert_eq!(d.len(), 1, "{:?}", d);
    assert!(d[0].pointer.ends_with("/Output"), "{:?}", d);
}

#[test]
fn warnings_do_not_block() {
    let outcome = parse(&one(r#"{"Type":"Pass","Parameters":{"a":"$.x"},"Result":{"b.$":"$.y"},"End":true}"#));
    let codes: Vec<&str> = outcome.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["PASS_RESULT_IS_STATIC", "NO_DOLLAR"]);
    assert!(outcome.machine.is_some());
}
