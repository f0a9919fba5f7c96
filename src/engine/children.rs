//! The children of Parallel and Map states: branches and iterations as threads.
//!
//! A Parallel starts one thread per branch; a Map admits one thread per item, in index
//! order, up to its MaxConcurrency (ItemSelector evaluated as each is admitted). The
//! parent collects results in index order, and the first failure that is not
//! tolerated aborts the siblings, with the abort events AWS records, before the
//! state's Retry/Catch (`recovery`) handle it. A distributed Map's iterations run as
//! child executions: their events are counted, not recorded, and the parent records
//! `MapRun…` events instead of `MapIteration…` ones.

use super::dataflow::{error_output, in_state, opt, plain, runtime, whole_number, whole_number_strict};
use super::distributed::{batches, DataPlan};
use super::thread::{Active, Flow, Stage, Step, Turn};
use super::{Execution, ThreadId, VarScope};
use crate::definition::{MapState, NumberSource, ParallelState, PercentSource, QueryLanguage, State, StateKind};
use crate::history::{ErrorCause, EventKind};
use crate::query::{Failure, Template};
use crate::value::Value;
use std::collections::VecDeque;
use std::rc::Rc;

/// A distributed Map's `Label`, which names its Map Runs in place of the state's name.
fn map_label<'m>(of: Composite<'m>) -> Option<&'m str> {
    match of {
        Composite::Map(m) => m.label.as_deref(),
        Composite::Parallel(_) => None,
    }
}

/// A Map Run's id, UUID-shaped as AWS's are, from the seed, the state and the transition
/// count (no random draw, so runs without a distributed Map keep their random sequence).
fn map_run_id(seed: u64, state: usize, transitions: u64) -> String {
    let hi = crate::rng::mix(seed ^ crate::rng::mix(state as u64 ^ 0x6d61_7052_756e));
    let lo = crate::rng::mix(hi ^ transitions);
    format!("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xffff, hi & 0xfff, 0x8000 | (lo >> 48) & 0x3fff, lo & 0xffff_ffff_ffff)
}

/// The state whose children are running.
#[derive(Clone, Copy)]
pub(super) enum Composite<'m> {
    Parallel(&'m ParallelState),
    Map(&'m MapState),
}

/// A Parallel's branches or a Map's iterations, as they run.
pub(crate) struct Children {
    is_map: bool,
    effective: Value,
    items: Vec<Value>,
    keys: Option<Vec<Rc<str>>>,
    next: usize,
    running: usize,
    max_concurrency: usize,
    results: Vec<Option<Value>>,
    threads: Vec<Option<ThreadId>>,
    /// Ended children: index, result, whether it ended in a Task state, its last event.
    done: VecDeque<(usize, Result<Value, Failure>, bool, u64)>,
    started: bool,
    failures: usize,
    tolerated_count: Option<u64>,
    tolerated_percent: Option<f64>,
    /// The failure that ends the state, and whether the failing child ended in a Task state.
    failing: Option<(Failure, bool)>,
    finished: bool,
    distributed: bool,
    /// Distributed Map: 0 before `MapRunStarted`, 1 while the run is on, 2 after `MapRunSucceeded`.
    run_phase: u8,
    /// What a `…StateSucceeded` names as its previous event, as AWS chains it: the last
    /// event of the branch that ended last (Parallel), the last `MapIterationSucceeded` (Map).
    last_branch_event: u64,
    /// Distributed Map: its ItemReader, ItemBatcher and ResultWriter, evaluated.
    plan: Option<Box<DataPlan>>,
    /// Distributed Map: the iterations that failed within the tolerance, for ResultWriter.
    failed_items: Vec<(usize, Failure)>,
    /// Distributed Map: the Map Run's ARN, once `MapRunStarted` is recorded.
    map_run_arn: Rc<str>,
    /// Distributed Map: the result ResultWriter made (`{MapRunArn, ResultWriterDetails}`).
    written: Option<Value>,
    /// The items already went through the ItemSelector (batching applies it to each item first).
    selected: bool,
}

impl Children {
    /// A Parallel (`is_map` false: one slot per branch, in `items`) or a Map over `items`.
    fn new(is_map: bool, effective: Value, items: Vec<Value>, keys: Option<Vec<Rc<str>>>, max_concurrency: usize, distributed: bool) -> Children {
        let n = items.len();
        Children {
            is_map,
            effective,
            items: if is_map { items } else { Vec::new() },
            keys,
            next: 0,
            running: 0,
            max_concurrency,
            results: vec![None; n],
            threads: vec![None; n],
            done: VecDeque::new(),
            started: false,
            failures: 0,
            tolerated_count: None,
            tolerated_percent: None,
            failing: None,
            finished: false,
            distributed,
            run_phase: 0,
            last_branch_event: 0,
            plan: None,
            failed_items: Vec::new(),
            map_run_arn: Rc::from(""),
            written: None,
            selected: false,
        }
    }
}

impl Children {
    /// What the branches or iterations are given (after InputPath and Parameters/Arguments).
    pub(super) fn effective(&self) -> &Value {
        &self.effective
    }
    pub(super) fn item_count(&self) -> usize {
        self.items.len()
    }
    pub(super) fn max_concurrency(&self) -> usize {
        self.max_concurrency
    }
}

impl Execution {
    /// A Parallel's input for its branches (after InputPath and Parameters/Arguments).
    pub(super) fn parallel_body(&mut self, tid: ThreadId, a: &mut Active, st: &State, p: &ParallelState) -> Result<(), Failure> {
        let raw = a.input.clone();
        let effective = self.apply_path(tid, a, &st.input_path, &raw)?;
        let params = match (&p.parameters, self.is_jsonata(a)) {
            (Some(args), true) => self.jsonata(tid, a, args, "Arguments", None, None)?,
            (_, true) => effective.clone(),
            _ => self.template(tid, a, &p.parameters, &effective)?,
        };
        let n = p.branches.len();
        a.step = Step::Children(Box::new(Children::new(false, params, vec![Value::Null; n], None, 0, false)));
        Ok(())
    }

    /// A Map's items (ItemsPath or JSONata `Items`) and MaxConcurrency.
    pub(super) fn map_body(&mut self, tid: ThreadId, a: &mut Active, st: &State, m: &MapState) -> Result<(), Failure> {
        let raw = a.input.clone();
        let effective = self.apply_path(tid, a, &st.input_path, &raw)?;
        self.record_stage(a, "afterInputPath", &effective);
        let jsonata = self.is_jsonata(a);
        let plan = if m.distributed { self.data_plan(tid, a, m, &effective)? } else { None };
        let items_value = if m.item_reader.is_some() {
            // With an ItemReader, ItemsPath and Items have no effect (AWS records the items read).
            Value::array(Vec::new())
        } else if jsonata {
            let v = match &m.items {
                Some(t) => self.jsonata(tid, a, t, "Items", None, None)?,
                None => effective.clone(),
            };
            if v.as_array().is_none() {
                return Err(match &m.items {
                    Some(Template::Jsonata(f)) => self.query_error(
                        a,
                        "Items",
                        &format!(
                            "The JSONata expression '{}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '{}' for value: {}",
                            f.expr.text().trim(),
                            v.type_name(),
                            v.to_json()
                        ),
                    ),
                    _ => self.query_error(a, "Items", &format!("Map state input must be an array but was: {}", v.to_json())),
                });
            }
            v
        } else if m.items_path.is_identity() {
            effective.clone()
        } else {
            self.select(tid, a, &m.items_path, &effective)?
        };
        let (items, keys) = match &items_value {
            Value::Array(arr) => (arr.to_vec(), None),
            Value::Object(o) => (o.values().cloned().collect(), Some(o.keys().cloned().collect())),
            other => {
                return Err(runtime(
                    &a.ctx,
                    a.entered_event,
                    format!("Item selector '{}' does not select an array or object: {}", m.items_path.text(), other.to_json()),
                ))
            }
        };
        self.record_stage(a, "afterItemsPath", &items_value);
        let max_concurrency = match &m.max_concurrency {
            NumberSource::Literal(n) => *n as usize,
            NumberSource::Jsonata(t) => {
                let v = self.jsonata(tid, a, t, "MaxConcurrency", None, None)?;
                match whole_number_strict(&v).filter(|n| *n >= 0) {
                    Some(n) => n as usize,
                    None => {
                        return Err(self.query_error(
                            a,
                            "MaxConcurrency",
                            &format!("The MaxConcurrency field must be a non-negative integer, but was: {}", v.to_json()),
                        ))
                    }
                }
            }
            NumberSource::Path(p) => {
                let v = self.select(tid, a, p, &effective)?;
                match whole_number(&v).filter(|n| *n >= 0) {
                    Some(n) => n as usize,
                    None => {
                        return Err(runtime(
                            &a.ctx,
                            a.entered_event,
                            format!("The MaxConcurrencyPath field refers to value \"{}\" which is not a valid integer: {}", plain(&v), p.text()),
                        ))
                    }
                }
            }
        };
        let mut children = Box::new(Children::new(true, effective, items, keys, max_concurrency, m.distributed));
        children.plan = plan;
        a.step = Step::Children(children);
        Ok(())
    }

    fn emit_iteration(&mut self, tid: ThreadId, distributed: bool, kind: EventKind) {
        if !distributed {
            self.emit(tid, kind);
        }
    }

    /// `MapIterationSucceeded`/`…Failed` as AWS chains them: after the iteration's last event
    /// (`child_last`), and the Map goes on from that event, not from this one (the next
    /// `MapIterationStarted`, `MapStateFailed` or a retry's `MapStateStarted` name it).
    /// The new event's id, when one is recorded.
    fn end_iteration(&mut self, tid: ThreadId, distributed: bool, child_last: u64, kind: EventKind) -> Option<u64> {
        if distributed {
            return None;
        }
        if self.threads[tid].silent {
            self.emit(tid, kind);
            return None;
        }
        let id = self.record(child_last, kind);
        self.threads[tid].last_event = child_last;
        Some(id)
    }

    /// `ToleratedFailureCount(Path)` / `ToleratedFailurePercentage(Path)`, read after
    /// `MapStateStarted` as AWS does.
    pub(super) fn tolerance(&mut self, tid: ThreadId, a: &Active, m: &MapState, effective: &Value) -> Result<(Option<u64>, Option<f64>), Failure> {
        let effective = effective.clone();
        let tolerated_count = match &m.tolerated_failure_count {
            None => None,
            Some(NumberSource::Literal(n)) => Some(*n),
            Some(NumberSource::Jsonata(t)) => {
                let v = self.jsonata(tid, a, t, "ToleratedFailureCount", None, None)?;
                match whole_number_strict(&v).filter(|n| *n >= 0) {
                    Some(n) => Some(n as u64),
                    None => {
                        return Err(self.query_error(
                            a,
                            "ToleratedFailureCount",
                            &format!("The ToleratedFailureCount field must be a non-negative integer, but was: {}", v.to_json()),
                        ))
                    }
                }
            }
            Some(NumberSource::Path(p)) => {
                let v = self.select(tid, a, p, &effective)?;
                match whole_number(&v).filter(|n| *n >= 0) {
                    Some(n) => Some(n as u64),
                    None => {
                        return Err(runtime(
                            &a.ctx,
                            a.entered_event,
                            format!(
                                "The ToleratedFailureCountPath field refers to value \"{}\" which is not a valid integer: {}",
                                plain(&v),
                                p.text()
                            ),
                        ))
                    }
                }
            }
        };
        let tolerated_percent = match &m.tolerated_failure_percentage {
            None => None,
            Some(PercentSource::Literal(n)) => Some(*n),
            Some(PercentSource::Jsonata(t)) => {
                let v = self.jsonata(tid, a, t, "ToleratedFailurePercentage", None, None)?;
                match v.as_number().map(|n| n.as_f64()) {
                    Some(n) if (0.0..=100.0).contains(&n) => Some(n),
                    _ => return Err(self.query_error(a, "ToleratedFailurePercentage", "ToleratedFailurePercentage must be between 0 and 100.")),
                }
            }
            Some(PercentSource::Path(p)) => {
                let v = self.select(tid, a, p, &effective)?;
                let n = match &v {
                    Value::Number(n) => Some(n.as_f64()),
                    Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
                    _ => None,
                };
                match n {
                    Some(n) if (0.0..=100.0).contains(&n) => Some(n),
                    Some(_) => return Err(runtime(&a.ctx, a.entered_event, "ToleratedFailurePercentage must be between 0 and 100.")),
                    None => {
                        return Err(runtime(
                            &a.ctx,
                            a.entered_event,
                            format!(
                                "The ToleratedFailurePercentagePath field refers to value \"{}\" which is not a valid float: {}",
                                plain(&v),
                                p.text()
                            ),
                        ))
                    }
                }
            }
        };
        Ok((tolerated_count, tolerated_percent))
    }

    /// One turn of a Parallel or Map whose children run.
    pub(super) fn children_step(&mut self, tid: ThreadId, a: &mut Active, of: Composite, mut c: Box<Children>) -> Turn {
        let machine = self.machine.clone();
        let st = &machine.states[a.state];
        if !c.started {
            c.started = true;
            c.finished = false;
            c.failing = None;
            c.failures = 0;
            c.next = 0;
            c.running = 0;
            c.done.clear();
            for r in c.results.iter_mut() {
                *r = None;
            }
            match of {
                Composite::Map(m) => {
                    self.emit(tid, EventKind::MapStateStarted { length: c.items.len() });
                    c.run_phase = 0;
                    match self.tolerance(tid, a, m, &c.effective) {
                        Ok((count, percent)) => {
                            c.tolerated_count = count;
                            c.tolerated_percent = percent;
                            c.failed_items.clear();
                            c.written = None;
                            if let Some(mut plan) = c.plan.take() {
                                plan.read = false;
                                let limits = self.plan_limits(tid, a, m, &c.effective, &mut plan);
                                c.plan = Some(plan);
                                if let Err(f) = limits {
                                    a.step = Step::Error(f);
                                    return Turn::Stay(Flow::Yield);
                                }
                            }
                        }
                        Err(f) => {
                            a.step = Step::Error(f);
                            return Turn::Stay(Flow::Yield);
                        }
                    }
                }
                Composite::Parallel(p) => {
                    self.emit(tid, EventKind::ParallelStateStarted);
                    let last = self.threads[tid].last_event;
                    for (i, b) in p.branches.iter().enumerate() {
                        let scope = Rc::new(VarScope { vars: Default::default(), parent: Some(self.threads[tid].vars.clone()) });
                        let child_execution = self.child_execution_of(tid);
                        let child = self.spawn(Some((tid, i)), scope, b.start_at, c.effective.clone(), last, child_execution);
                        c.threads[i] = Some(child);
                        self.wake(child);
                    }
                    c.running = p.branches.len();
                    c.next = p.branches.len();
                }
            }
            a.step = Step::Children(c);
            return Turn::Stay(Flow::Yield);
        }
        if c.distributed && c.run_phase == 0 {
            c.run_phase = 1;
            let arn = format!(
                "arn:aws:states:{}:{}:mapRun:{}/{}:{}",
                self.options.region,
                self.options.account,
                self.options.state_machine_name,
                map_label(of).unwrap_or(&st.name),
                map_run_id(self.options.seed, a.state, self.transitions)
            );
            c.map_run_arn = Rc::from(arn);
            self.emit(tid, EventKind::MapRunStarted { map_run_arn: c.map_run_arn.clone() });
            if let (Composite::Map(m), Some(mut plan)) = (of, c.plan.take()) {
                if !plan.read {
                    plan.read = true;
                    // The items before batching, kept for a retry of the state to batch again.
                    let source = plan.source.get_or_insert_with(|| std::mem::take(&mut c.items)).clone();
                    match self.planned_items(m, &plan, source) {
                        Ok(items) => {
                            c.items = items;
                            c.selected = false;
                            if let Some((per_batch, bytes, input)) = &plan.batch {
                                // AWS applies the ItemSelector to each item, then batches.
                                if let Some(sel) = &m.item_selector {
                                    let mut selected = Vec::with_capacity(c.items.len());
                                    for (i, item) in c.items.iter().enumerate() {
                                        match self.select_item(tid, a, sel, &c, i, item.clone()) {
                                            Ok(v) => selected.push(v),
                                            Err(f) => {
                                                c.failing = Some((f, false));
                                                break;
                                            }
                                        }
                                    }
                                    c.items = selected;
                                }
                                c.items = batches(std::mem::take(&mut c.items), *per_batch, *bytes, input.as_ref());
                                c.selected = true;
                                c.keys = None;
                            }
                            c.results = vec![None; c.items.len()];
                            c.threads = vec![None; c.items.len()];
                        }
                        Err(f) => c.failing = Some((f, false)),
                    }
                }
                c.plan = Some(plan);
            }
            a.step = Step::Children(c);
            return Turn::Stay(Flow::Yield);
        }
        if let Some((f, child_in_task)) = c.failing.take() {
            // As AWS records it: the siblings' aborts, the failing child's task aborted, then
            // `…StateFailed` unless the state is retried (Parallel: unless a retrier matched).
            let mut events = VecDeque::new();
            for (i, child) in c.threads.clone().into_iter().enumerate() {
                if let Some(child) = child {
                    if self.threads[child].alive {
                        self.abort_thread(child, &mut events);
                        if c.distributed {
                            events.clear();
                            continue;
                        }
                        if c.is_map {
                            events.push_back(EventKind::MapIteration { event_type: "MapIterationAborted", state: a.state as u32, index: i as u32 });
                        }
                    }
                }
            }
            if child_in_task && !c.distributed {
                events.push_back(EventKind::Lifecycle { event_type: "TaskStateAborted" });
            }
            if c.distributed {
                events.push_front(EventKind::MapRunFailed(ErrorCause::boxed(opt(&f.error), opt(&f.cause))));
            }
            c.started = false;
            return self.fail_composite(tid, a, events, c.is_map, f);
        }
        if let Some((i, result, child_in_task, child_last)) = c.done.pop_front() {
            c.running -= 1;
            c.threads[i] = None;
            match result {
                Ok(v) => {
                    c.results[i] = Some(v);
                    if !c.is_map {
                        c.last_branch_event = child_last;
                    }
                    if c.is_map {
                        if let Some(id) = self.end_iteration(
                            tid,
                            c.distributed,
                            child_last,
                            EventKind::MapIteration { event_type: "MapIterationSucceeded", state: a.state as u32, index: i as u32 },
                        ) {
                            c.last_branch_event = id;
                        }
                        a.step = Step::Children(c);
                        return Turn::Stay(Flow::Yield);
                    }
                }
                Err(f) => {
                    if c.is_map {
                        self.end_iteration(
                            tid,
                            c.distributed,
                            child_last,
                            EventKind::MapIteration { event_type: "MapIterationFailed", state: a.state as u32, index: i as u32 },
                        );
                        c.failures += 1;
                        let total = c.items.len().max(1) as f64;
                        let tolerated = c.tolerated_count.is_some_and(|n| c.failures as u64 <= n)
                            || c.tolerated_percent.is_some_and(|p| (c.failures as f64) * 100.0 / total <= p);
                        if tolerated {
                            c.results[i] = Some(error_output(&f));
                            c.failed_items.push((i, f));
                        } else if c.tolerated_count.is_some() || c.tolerated_percent.is_some() {
                            c.failing = Some((
                                Failure::new("States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded"),
                                child_in_task,
                            ));
                        } else {
                            c.failing = Some((f, child_in_task));
                        }
                        a.step = Step::Children(c);
                        return Turn::Stay(Flow::Yield);
                    }
                    c.failing = Some((f, child_in_task));
                }
            }
            a.step = Step::Children(c);
            return Turn::Stay(Flow::Again);
        }
        let admits = c.next < c.items.len() && (c.max_concurrency == 0 || c.running < c.max_concurrency);
        if let (Composite::Map(m), true) = (of, admits) {
            let i = c.next;
            let item = c.items[i].clone();
            let selector = if c.selected { None } else { m.item_selector.as_ref() };
            let input = match selector {
                None => item,
                Some(sel) => match self.select_item(tid, a, sel, &c, i, item) {
                    Ok(v) => v,
                    Err(f) => {
                        c.failing = Some((f, false));
                        a.step = Step::Children(c);
                        return Turn::Stay(Flow::Again);
                    }
                },
            };
            c.next += 1;
            c.running += 1;
            self.emit_iteration(
                tid,
                c.distributed,
                EventKind::MapIteration { event_type: "MapIterationStarted", state: a.state as u32, index: i as u32 },
            );
            let last = self.threads[tid].last_event;
            // A distributed Map's child executions do not see the parent's variables.
            let parent = if c.distributed { None } else { Some(self.threads[tid].vars.clone()) };
            let scope = Rc::new(VarScope { vars: Default::default(), parent });
            let child_execution = if c.distributed { Some(None) } else { self.child_execution_of(tid) };
            let child = self.spawn(Some((tid, i)), scope, m.processor.start_at, input, last, child_execution);
            c.threads[i] = Some(child);
            self.wake(child);
            // The Map admits every item it may before its iterations run, as AWS records.
            let more = c.next < c.items.len() && (c.max_concurrency == 0 || c.running < c.max_concurrency);
            a.step = Step::Children(c);
            return Turn::Stay(if more { Flow::YieldFront } else { Flow::Yield });
        }
        if c.running == 0 && c.next >= c.items.len().max(if c.is_map { 0 } else { c.results.len() }) {
            if !c.finished {
                c.finished = true;
                if c.distributed && c.run_phase == 1 {
                    if let (Composite::Map(m), Some(plan)) = (of, c.plan.take()) {
                        let outcome = self.map_result_export(m, &plan, &c);
                        c.plan = Some(plan);
                        match outcome {
                            Ok(v) => c.written = v,
                            Err(f) => {
                                c.finished = false;
                                c.failing = Some((f, false));
                                a.step = Step::Children(c);
                                return Turn::Stay(Flow::Again);
                            }
                        }
                    }
                    c.run_phase = 2;
                    self.emit(tid, EventKind::Lifecycle { event_type: "MapRunSucceeded" });
                    c.finished = false;
                    a.step = Step::Children(c);
                    return Turn::Stay(Flow::Yield);
                }
                if c.last_branch_event != 0 {
                    self.threads[tid].last_event = c.last_branch_event;
                }
                // AWS does not chain the next event to `…StateSucceeded`: `…StateExited`
                // names the same previous event.
                let previous = self.threads[tid].last_event;
                self.emit(tid, EventKind::Lifecycle { event_type: if c.is_map { "MapStateSucceeded" } else { "ParallelStateSucceeded" } });
                self.threads[tid].last_event = previous;
                a.step = Step::Children(c);
                return Turn::Stay(Flow::Yield);
            }
            let results = match c.written.take() {
                Some(v) => v,
                None => Value::array(c.results.iter().map(|r| r.clone().unwrap_or(Value::Null)).collect()),
            };
            let (next, rs, rp) = match of {
                Composite::Map(m) => (m.transition, &m.result_selector, &m.result_path),
                Composite::Parallel(p) => (p.transition, &p.result_selector, &p.result_path),
            };
            match self.result_stages(tid, a, rs, rp, results) {
                Ok((output, assigned)) => a.step = Step::Exit { output, next, assigned },
                Err(f) => a.step = Step::Error(f),
            }
            return Turn::Stay(Flow::Again);
        }
        a.step = Step::Children(c);
        Turn::Stay(Flow::Block)
    }

    /// The ItemSelector applied to item `i` (its value and key in `$$.Map.Item`), with the
    /// state's prefix on its errors as AWS words them.
    fn select_item(&mut self, tid: ThreadId, a: &Active, sel: &Template, c: &Children, i: usize, item: Value) -> Result<Value, Failure> {
        let machine = self.machine.clone();
        let st = &machine.states[a.state];
        let mut ctx = a.ctx.clone();
        ctx.map_item = Some((i, item, c.keys.as_ref().map(|k| k[i].clone())));
        let jsonata = st.query_language == QueryLanguage::Jsonata;
        let input = if jsonata { a.input.clone() } else { c.effective.clone() };
        // JSONata errors here carry the state's prefix, whatever their name.
        let r = self.with_env(tid, &ctx, &input, |env| {
            if jsonata {
                sel.evaluate_jsonata(env, "ItemSelector").map_err(|mut f| {
                    f.cause = in_state(&a.ctx, a.entered_event, &f.cause);
                    f
                })
            } else {
                sel.evaluate(env)
            }
        });
        r.map_err(|f| if f.error == "States.Runtime" { runtime(&a.ctx, a.entered_event, f.cause) } else { f })
    }

    /// The Map's result when its ResultWriter exports or formats the results (`None`: the
    /// results array as it is).
    fn map_result_export(&mut self, m: &MapState, plan: &DataPlan, c: &Children) -> Result<Option<Value>, Failure> {
        let writer = match &m.result_writer {
            Some(w) => w,
            None => return Ok(None),
        };
        let mut outcomes: Vec<Result<Value, Failure>> = c.results.iter().map(|r| Ok(r.clone().unwrap_or(Value::Null))).collect();
        for (i, f) in &c.failed_items {
            if let Some(o) = outcomes.get_mut(*i) {
                *o = Err(f.clone());
            }
        }
        if writer.resource.is_some() {
            return self.write_results(m, plan, &c.map_run_arn, &outcomes, &c.items).map(Some);
        }
        Ok(writer.writer_config.as_ref().map(|config| super::result_writer::formatted(config, &outcomes, &c.items)))
    }

    /// A child execution (a distributed Map's iteration) reached the event limit: it
    /// stops, and fails its iteration as an execution fails at the limit.
    pub(super) fn child_execution_at_event_limit(&mut self, root: ThreadId) {
        self.abort_thread(root, &mut VecDeque::new());
        let cause = format!("The execution reached the maximum number of history events ({}).", self.options.max_events.min(super::MAX_EVENTS));
        if let Some((parent, index)) = self.threads[root].parent {
            let last = self.threads[root].last_event;
            self.notify_parent(parent, index, Err(Failure::runtime(cause)), false, last);
        }
    }

    /// Stop a thread and everything under it, collecting the abort events AWS records.
    /// A child thread ended: the parent collects it on its next turn.
    pub(super) fn notify_parent(&mut self, parent: ThreadId, index: usize, result: Result<Value, Failure>, in_task: bool, last_event: u64) {
        if let Stage::Active(a) = &mut self.threads[parent].stage {
            if let Step::Children(c) = &mut a.step {
                c.done.push_back((index, result, in_task, last_event));
            }
        }
        self.wake(parent);
    }

    fn abort_thread(&mut self, tid: ThreadId, out: &mut VecDeque<EventKind>) {
        self.threads[tid].alive = false;
        self.threads[tid].generation += 1;
        self.pending.retain(|(_, t)| *t != tid);
        let machine = self.machine.clone();
        let stage = std::mem::replace(&mut self.threads[tid].stage, Stage::Done);
        if let Stage::Active(a) = stage {
            let st = &machine.states[a.state];
            // What AWS records for each kind of state that can be cut short.
            match (&st.kind, &a.step) {
                (StateKind::Task(_), _) => out.push_back(EventKind::Lifecycle { event_type: "TaskStateAborted" }),
                (StateKind::Wait(_), _) => out.push_back(EventKind::Lifecycle { event_type: "WaitStateAborted" }),
                // A Map or Parallel not yet running its children records nothing.
                (StateKind::Map(_) | StateKind::Parallel(_), step) => {
                    let Step::Children(c) = step else { return };
                    for (i, child) in c.threads.iter().enumerate() {
                        if let Some(child) = child {
                            if self.threads[*child].alive {
                                self.abort_thread(*child, out);
                                if c.is_map {
                                    out.push_back(EventKind::MapIteration {
                                        event_type: "MapIterationAborted",
                                        state: a.state as u32,
                                        index: i as u32,
                                    });
                                }
                            }
                        }
                    }
                    out.push_back(EventKind::Lifecycle { event_type: if c.is_map { "MapStateAborted" } else { "ParallelStateAborted" } });
                }
                (StateKind::Pass(_) | StateKind::Choice(_) | StateKind::Succeed | StateKind::Fail(_), _) => {}
            }
        }
    }
}
