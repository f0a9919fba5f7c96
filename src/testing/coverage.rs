//! Coverage of a state machine by executions, read from what the engine did.
//!
//! The universe is the definition: every state at every nesting level, every edge
//! (`Next`, a Choice's `Default` and each of its rules `Choices[i]`, each `Catch[i]`)
//! and every retrier. An execution covers what its history shows: a `…StateEntered`
//! event covers its state; one whose previous event is the `…StateExited` of another
//! state covers the edge between them, which is a `Catch` when that exit followed a
//! failure event and, for a Choice, the rule the engine matched (its inspection, read
//! while stepping when two rules share a target); a task scheduled again (or a Map or
//! Parallel started again) after a failure is a retry, credited to the first retrier
//! whose `ErrorEquals` matches the failure's error, as the engine chooses. A task's error
//! is on its own chain of events; a Map's or Parallel's is its children's (the latest
//! failure event since it started, or the `Error` of a Fail state a branch entered).
//!
//! Not seen: the iterations of a distributed Map, which run as child executions whose
//! events the parent's history does not hold; a retry of a state that failed before its
//! first task was scheduled (nothing records the first attempt).

use crate::definition::{Catcher, FailField, Retrier, Scope, StateId, StateKind, StateMachine, Transition};
use crate::engine::{matches_error, Execution};
use crate::history::EventKind;
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::rc::Rc;

/// How an edge leaves its state, as the coverage report spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Via {
    Next,
    Default,
    Choice(usize),
    Catch(usize),
}

impl Via {
    pub fn label(self) -> String {
        match self {
            Via::Next => "Next".into(),
            Via::Default => "Default".into(),
            Via::Choice(i) => format!("Choices[{}]", i),
            Via::Catch(i) => format!("Catch[{}]", i),
        }
    }
}

/// One edge of the definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub from: StateId,
    pub to: StateId,
    pub via: Via,
}

/// What one or more executions exercised, counted over the definition's universe.
#[derive(Clone, Debug)]
pub struct Coverage {
    /// Entries per state (by `StateId`).
    pub state_entries: Vec<u64>,
    /// Every edge, state by state in definition order.
    pub edges: Vec<Edge>,
    pub edge_counts: Vec<u64>,
    /// `(state, index)` of every retrier.
    pub retriers: Vec<(StateId, usize)>,
    /// Retries each retrier scheduled.
    pub retrier_counts: Vec<u64>,
    /// The states in tree order (a composite followed by its children) with their depth.
    pub tree: Vec<(StateId, usize)>,
    /// The Parallel or Map each state is nested in (by `StateId`).
    pub parent: Vec<Option<StateId>>,
    edges_of: Vec<std::ops::Range<usize>>,
    retriers_of: Vec<std::ops::Range<usize>>,
    /// Whether some Choice has two ways to the same state (then the matched rule is read
    /// from the engine's inspection while stepping).
    ambiguous_choice: bool,
}

/// The retriers and catchers of a state (only Task, Parallel and Map have them).
pub fn handlers(kind: &StateKind) -> (&[Retrier], &[Catcher]) {
    match kind {
        StateKind::Task(t) => (&t.retry, &t.catch),
        StateKind::Parallel(p) => (&p.retry, &p.catch),
        StateKind::Map(m) => (&m.retry, &m.catch),
        StateKind::Pass(_) | StateKind::Choice(_) | StateKind::Wait(_) | StateKind::Succeed | StateKind::Fail(_) => (&[], &[]),
    }
}

fn next_of(kind: &StateKind) -> Option<StateId> {
    let t = match kind {
        StateKind::Pass(p) => p.transition,
        StateKind::Task(t) => t.transition,
        StateKind::Wait(w) => w.transition,
        StateKind::Parallel(p) => p.transition,
        StateKind::Map(m) => m.transition,
        StateKind::Choice(_) | StateKind::Succeed | StateKind::Fail(_) => Transition::End,
    };
    match t {
        Transition::Next(n) => Some(n),
        Transition::End => None,
    }
}

fn walk_tree(
    machine: &StateMachine,
    scope: &Scope,
    parent: Option<StateId>,
    depth: usize,
    out: &mut Vec<(StateId, usize)>,
    parents: &mut [Option<StateId>],
) {
    for &s in &scope.states {
        out.push((s, depth));
        parents[s] = parent;
        match &machine.states[s].kind {
            StateKind::Parallel(p) => {
                for b in &p.branches {
                    walk_tree(machine, b, Some(s), depth + 1, out, parents);
                }
            }
            StateKind::Map(m) => walk_tree(machine, &m.processor, Some(s), depth + 1, out, parents),
            StateKind::Pass(_) | StateKind::Task(_) | StateKind::Choice(_) | StateKind::Wait(_) | StateKind::Succeed | StateKind::Fail(_) => {}
        }
    }
}

/// What an event means for coverage.
#[derive(Clone, Debug)]
enum Mark {
    Entered(StateId),
    Exited(StateId),
    /// A task's, Lambda's or activity's failure or time-out, or an evaluation error.
    Failure(Option<Rc<str>>),
    /// `ParallelStateFailed`, `MapStateFailed`.
    CompositeFailed,
    /// A task, Lambda or activity scheduled.
    TaskStart,
    ParallelStart,
    MapStart,
    Other,
}

fn mark(kind: &EventKind) -> Mark {
    match kind {
        EventKind::StateEntered { state, .. } => Mark::Entered(*state as usize),
        EventKind::StateExited { state, .. } => Mark::Exited(*state as usize),
        EventKind::AssignedStateExited(x) => Mark::Exited(x.state as usize),
        EventKind::TaskError(d) => Mark::Failure(d.error.clone()),
        EventKind::LambdaFunctionError(d) => Mark::Failure(d.error.clone()),
        EventKind::ActivityError(d) => Mark::Failure(d.error.clone()),
        EventKind::EvaluationFailed(d) => Mark::Failure(Some(d.error.clone())),
        EventKind::MapRunFailed(d) => Mark::Failure(d.error.clone()),
        EventKind::Lifecycle { event_type: "ParallelStateFailed" | "MapStateFailed" } => Mark::CompositeFailed,
        EventKind::TaskScheduled(_) | EventKind::LambdaFunctionScheduled(_) | EventKind::ActivityScheduled(_) => Mark::TaskStart,
        EventKind::ParallelStateStarted => Mark::ParallelStart,
        EventKind::MapStateStarted { .. } => Mark::MapStart,
        _ => Mark::Other,
    }
}

/// The error of the latest failure before position `upto` (exclusive), scanning back in
/// recording order until `stop` says so: a failure event's error, or the literal `Error` of
/// a Fail state entered (a branch that ends in a Fail state records no failure event).
fn scan_error(machine: &StateMachine, marks: &[Mark], upto: usize, mut stop: impl FnMut(&Mark) -> bool) -> Option<Rc<str>> {
    for m in marks[..upto.min(marks.len())].iter().rev() {
        if stop(m) {
            return None;
        }
        match m {
            Mark::Failure(Some(e)) => return Some(e.clone()),
            Mark::Entered(x) => {
                if let StateKind::Fail(f) = &machine.states[*x].kind {
                    if let Some(FailField::Literal(e)) = &f.error {
                        return Some(Rc::from(e.as_str()));
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// The Choice rules the engine matched, by the id of the Choice's `…StateExited` event
/// (`None`: `Default`); filled only for runs that needed it (see [`Coverage::run`]).
pub type ChoiceLog = HashMap<u32, Option<usize>>;

impl Coverage {
    /// Nothing covered yet, over `machine`'s universe.
    pub fn new(machine: &StateMachine) -> Coverage {
        let n = machine.states.len();
        let (mut edges, mut edges_of, mut retriers, mut retriers_of) = (Vec::new(), Vec::with_capacity(n), Vec::new(), Vec::with_capacity(n));
        let mut ambiguous_choice = false;
        for (id, st) in machine.states.iter().enumerate() {
            let start = edges.len();
            if let Some(to) = next_of(&st.kind) {
                edges.push(Edge { from: id, to, via: Via::Next });
            }
            if let StateKind::Choice(c) = &st.kind {
                let mut targets: Vec<StateId> = Vec::new();
                for (i, rule) in c.choices.iter().enumerate() {
                    edges.push(Edge { from: id, to: rule.next, via: Via::Choice(i) });
                    targets.push(rule.next);
                }
                if let Some(d) = c.default {
                    edges.push(Edge { from: id, to: d, via: Via::Default });
                    targets.push(d);
                }
                let mut sorted = targets.clone();
                sorted.sort_unstable();
                sorted.dedup();
                ambiguous_choice |= sorted.len() < targets.len();
            }
            let (retry, catch) = handlers(&st.kind);
            for (i, c) in catch.iter().enumerate() {
                edges.push(Edge { from: id, to: c.next, via: Via::Catch(i) });
            }
            edges_of.push(start..edges.len());
            let rstart = retriers.len();
            retriers.extend((0..retry.len()).map(|i| (id, i)));
            retriers_of.push(rstart..retriers.len());
        }
        let mut tree = Vec::with_capacity(n);
        let mut parent = vec![None; n];
        walk_tree(machine, &machine.root, None, 0, &mut tree, &mut parent);
        Coverage {
            state_entries: vec![0; n],
            edge_counts: vec![0; edges.len()],
            retrier_counts: vec![0; retriers.len()],
            edges,
            retriers,
            tree,
            parent,
            edges_of,
            retriers_of,
            ambiguous_choice,
        }
    }

    /// Run `ex` to its end (or pause), keeping what coverage needs that the history alone
    /// does not say: the Choice rule matched, when two ways lead to the same state.
    pub fn run(&self, machine: &StateMachine, ex: &mut Execution) -> ChoiceLog {
        let mut log = ChoiceLog::new();
        if !self.ambiguous_choice {
            ex.run(None);
            return log;
        }
        loop {
            let before = ex.events().len();
            ex.run(Some(1));
            let after = ex.events().len();
            if after == before {
                break;
            }
            if let Some(e) = ex.events().last() {
                if let Mark::Exited(s) = mark(&e.kind) {
                    if let Some(ins) = ex.latest_inspection(s) {
                        if ins.entered_event == e.previous_event_id as u64 && matches!(machine.states[s].kind, StateKind::Choice(_)) {
                            log.insert(e.id, ins.matched_rule);
                        }
                    }
                }
            }
        }
        log
    }

    /// Add what one execution's history shows.
    pub fn record(&mut self, machine: &StateMachine, ex: &Execution, choices: &ChoiceLog) {
        let events = ex.events();
        let mut marks = Vec::with_capacity(events.len());
        let mut prevs = Vec::with_capacity(events.len());
        for e in events.iter() {
            marks.push(mark(&e.kind));
            prevs.push(e.previous_event_id);
        }
        let at = |id: u32| -> Option<&Mark> { id.checked_sub(1).and_then(|i| marks.get(i as usize)) };
        for i in 0..marks.len() {
            let prev = prevs[i];
            match &marks[i] {
                Mark::Entered(b) => {
                    self.state_entries[*b] += 1;
                    if let Some(Mark::Exited(a)) = at(prev) {
                        let after_failure = matches!(at(prevs[prev as usize - 1]), Some(Mark::Failure(_) | Mark::CompositeFailed));
                        let error = match (after_failure, &machine.states[*a].kind) {
                            (false, _) => None,
                            // A Map's or Parallel's failure is its child's, recorded on the child's chain.
                            (true, StateKind::Parallel(_) | StateKind::Map(_)) => {
                                scan_error(machine, &marks, prev as usize - 1, |m| matches!(m, Mark::Entered(x) if x == a))
                            }
                            (true, _) => self.error_before(&marks, &prevs, prev),
                        };
                        if let Some(k) = self.edge_taken(machine, *a, *b, prev, after_failure, error.as_deref(), choices) {
                            self.edge_counts[k] += 1;
                        }
                    }
                }
                Mark::TaskStart | Mark::ParallelStart | Mark::MapStart => {
                    if matches!(at(prev), Some(Mark::Entered(_))) || prev == 0 {
                        continue;
                    }
                    if let Some(owner) = self.restart_owner(machine, &marks, &prevs, i) {
                        let error = match marks[i] {
                            Mark::TaskStart => self.error_before(&marks, &prevs, (i + 1) as u32),
                            // What failed a Map or Parallel happened in its children since its last start.
                            _ => {
                                let since = prev as usize;
                                let mut k = i;
                                scan_error(machine, &marks, i, |_| {
                                    k -= 1;
                                    k < since
                                })
                            }
                        };
                        if let Some(k) = self.retrier_of(machine, owner, error.as_deref()) {
                            self.retrier_counts[k] += 1;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The error of the nearest failure event before event `id` on its chain.
    fn error_before(&self, marks: &[Mark], prevs: &[u32], id: u32) -> Option<Rc<str>> {
        let mut j = prevs.get(id as usize - 1).copied().unwrap_or(0);
        let mut steps = 0;
        while j > 0 && steps < 100_000 {
            if let Mark::Failure(Some(e)) = &marks[j as usize - 1] {
                return Some(e.clone());
            }
            j = prevs[j as usize - 1];
            steps += 1;
        }
        None
    }

    /// The state that event `i` (a task scheduled, or a Map or Parallel started, after a
    /// failure) belongs to: walking back its chain, the first state entered that had not
    /// ended before (children exited or failed are skipped).
    fn restart_owner(&self, machine: &StateMachine, marks: &[Mark], prevs: &[u32], i: usize) -> Option<StateId> {
        let want_task = matches!(marks[i], Mark::TaskStart);
        let want_parallel = matches!(marks[i], Mark::ParallelStart);
        let mut closed: Vec<StateId> = Vec::new();
        let mut failed_composites = 0usize;
        let mut j = prevs[i];
        let mut steps = 0;
        while j > 0 && steps < 100_000 {
            match &marks[j as usize - 1] {
                Mark::Exited(x) => closed.push(*x),
                Mark::CompositeFailed => failed_composites += 1,
                Mark::Entered(x) => {
                    if let Some(p) = closed.iter().rposition(|c| c == x) {
                        closed.remove(p);
                    } else {
                        let kind = &machine.states[*x].kind;
                        let composite = matches!(kind, StateKind::Parallel(_) | StateKind::Map(_));
                        if composite && failed_composites > 0 {
                            failed_composites -= 1;
                        } else {
                            let fits = match kind {
                                StateKind::Task(_) => want_task,
                                StateKind::Parallel(_) => want_parallel,
                                StateKind::Map(_) => !want_task && !want_parallel,
                                _ => false,
                            };
                            if fits {
                                return Some(*x);
                            }
                        }
                    }
                }
                _ => {}
            }
            j = prevs[j as usize - 1];
            steps += 1;
        }
        None
    }

    /// The retrier the engine chose for `error` on `state` (the first that matches).
    fn retrier_of(&self, machine: &StateMachine, state: StateId, error: Option<&str>) -> Option<usize> {
        let (retry, _) = handlers(&machine.states[state].kind);
        let range = self.retriers_of[state].clone();
        let i = match error {
            Some(e) => retry.iter().position(|r| matches_error(&r.error_equals, e)),
            None => None,
        }
        .or_else(|| retry.iter().position(|r| r.error_equals.iter().any(|n| &**n == "States.ALL" || &**n == "States.TaskFailed")))
        .or(if retry.is_empty() { None } else { Some(0) })?;
        Some(range.start + i)
    }

    /// The edge from `a` to `b` that the engine took.
    #[allow(clippy::too_many_arguments)]
    fn edge_taken(
        &self,
        machine: &StateMachine,
        a: StateId,
        b: StateId,
        exit_id: u32,
        after_failure: bool,
        error: Option<&str>,
        choices: &ChoiceLog,
    ) -> Option<usize> {
        let range = self.edges_of[a].clone();
        let candidates: Vec<usize> = range.filter(|&k| self.edges[k].to == b).collect();
        if candidates.len() <= 1 {
            return candidates.first().copied();
        }
        if let StateKind::Choice(_) = &machine.states[a].kind {
            if let Some(rule) = choices.get(&exit_id) {
                let via = match rule {
                    Some(i) => Via::Choice(*i),
                    None => Via::Default,
                };
                if let Some(k) = candidates.iter().copied().find(|&k| self.edges[k].via == via) {
                    return Some(k);
                }
            }
            return candidates.first().copied();
        }
        let (_, catch) = handlers(&machine.states[a].kind);
        if after_failure {
            let by_error = error.and_then(|e| {
                candidates.iter().copied().find(|&k| matches!(self.edges[k].via, Via::Catch(i) if matches_error(&catch[i].error_equals, e)))
            });
            by_error.or_else(|| candidates.iter().copied().find(|&k| matches!(self.edges[k].via, Via::Catch(_))))
        } else {
            candidates.iter().copied().find(|&k| self.edges[k].via == Via::Next).or(candidates.first().copied())
        }
    }

    /// Add another coverage of the same machine.
    pub fn merge(&mut self, other: &Coverage) {
        let add = |a: &mut Vec<u64>, b: &Vec<u64>| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        add(&mut self.state_entries, &other.state_entries);
        add(&mut self.edge_counts, &other.edge_counts);
        add(&mut self.retrier_counts, &other.retrier_counts);
    }

    /// `state` and the Parallel and Map states it is nested in, innermost first.
    pub fn ancestry(&self, state: StateId) -> Vec<StateId> {
        let mut out = vec![state];
        while let Some(p) = self.parent[*out.last().unwrap_or(&state)] {
            out.push(p);
        }
        out
    }

    /// The catch edges taken, as `(state, catcher index, count)`.
    pub fn catches_taken(&self) -> Vec<(StateId, usize, u64)> {
        self.edges
            .iter()
            .zip(&self.edge_counts)
            .filter_map(|(e, &n)| match e.via {
                Via::Catch(i) if n > 0 => Some((e.from, i, n)),
                _ => None,
            })
            .collect()
    }

    /// The retriers that fired, as `(state, retrier index, retries)`.
    pub fn retries_fired(&self) -> Vec<(StateId, usize, u64)> {
        self.retriers.iter().zip(&self.retrier_counts).filter(|(_, &n)| n > 0).map(|(&(s, i), &n)| (s, i, n)).collect()
    }

    /// The JSON report: `states`, `transitions`, `retriers` and `catchers` (each `total`,
    /// `covered`, `missed`), then `counts` of everything taken.
    pub fn to_json(&self, machine: &StateMachine) -> Json {
        let name = |s: StateId| machine.states[s].name.to_string();
        let missed_states: Vec<String> = self.tree.iter().filter(|(s, _)| self.state_entries[*s] == 0).map(|(s, _)| name(*s)).collect();
        let edge_json = |e: &Edge| json!({"from": name(e.from), "to": name(e.to), "via": e.via.label()});
        let missed_edges: Vec<Json> = self.edges.iter().zip(&self.edge_counts).filter(|(_, &n)| n == 0).map(|(e, _)| edge_json(e)).collect();
        let error_equals = |s: StateId, i: usize, catcher: bool| -> Vec<String> {
            let (r, c) = handlers(&machine.states[s].kind);
            let names = if catcher { &c[i].error_equals } else { &r[i].error_equals };
            names.iter().map(|n| n.to_string()).collect()
        };
        let missed_retriers: Vec<Json> = self
            .retriers
            .iter()
            .zip(&self.retrier_counts)
            .filter(|(_, &n)| n == 0)
            .map(|(&(s, i), _)| json!({"state": name(s), "index": i, "errorEquals": error_equals(s, i, false)}))
            .collect();
        let catchers: Vec<(usize, &Edge)> = self.edges.iter().enumerate().filter(|(_, e)| matches!(e.via, Via::Catch(_))).collect();
        let missed_catchers: Vec<Json> = catchers
            .iter()
            .filter(|(k, _)| self.edge_counts[*k] == 0)
            .map(|(_, e)| {
                let Via::Catch(i) = e.via else { unreachable!("filtered to catchers") };
                json!({"state": name(e.from), "index": i, "errorEquals": error_equals(e.from, i, true), "next": name(e.to)})
            })
            .collect();
        let covered = |v: &[u64]| v.iter().filter(|&&n| n > 0).count();
        let mut state_counts = serde_json::Map::new();
        for (s, _) in &self.tree {
            state_counts.insert(name(*s), self.state_entries[*s].into());
        }
        json!({
            "states": {"total": machine.states.len(), "covered": covered(&self.state_entries), "missed": missed_states},
            "transitions": {"total": self.edges.len(), "covered": covered(&self.edge_counts), "missed": missed_edges},
            "retriers": {"total": self.retriers.len(), "covered": covered(&self.retrier_counts), "missed": missed_retriers},
            "catchers": {
                "total": catchers.len(),
                "covered": catchers.iter().filter(|(k, _)| self.edge_counts[*k] > 0).count(),
                "missed": missed_catchers
            },
            "counts": {
                "states": state_counts,
                "transitions": self.edges.iter().zip(&self.edge_counts).map(|(e, &n)| {
                    json!({"from": name(e.from), "to": name(e.to), "via": e.via.label(), "count": n})
                }).collect::<Vec<_>>(),
                "retriers": self.retriers.iter().zip(&self.retrier_counts).map(|(&(s, i), &n)| {
                    json!({"state": name(s), "index": i, "count": n})
                }).collect::<Vec<_>>()
            }
        })
    }

    /// The readable table: one row per state (indented by nesting), then one per edge and
    /// retrier under it, with counts; `never` marks what no execution exercised.
    pub fn table(&self, machine: &StateMachine) -> String {
        let covered = |v: &[u64]| v.iter().filter(|&&n| n > 0).count();
        let mut out = format!(
            "coverage: {}/{} states, {}/{} transitions, {}/{} retriers\n",
            covered(&self.state_entries),
            machine.states.len(),
            covered(&self.edge_counts),
            self.edges.len(),
            covered(&self.retrier_counts),
            self.retriers.len()
        );
        let width = self.tree.iter().map(|(s, d)| 2 * d + machine.states[*s].name.chars().count()).max().unwrap_or(5).max(5) + 2;
        let count = |n: u64| if n == 0 { "never".to_string() } else { n.to_string() };
        out.push_str(&format!("  {:<width$} {:<9} {:>7}  {}\n", "state", "type", "entered", "edges and retriers taken"));
        for &(s, depth) in &self.tree {
            let st = &machine.states[s];
            let label = format!("{}{}", "  ".repeat(depth), st.name);
            out.push_str(&format!("  {:<width$} {:<9} {:>7}\n", label, st.kind.type_name(), count(self.state_entries[s])));
            let pad = " ".repeat(width + 20);
            for k in self.edges_of[s].clone() {
                let e = &self.edges[k];
                out.push_str(&format!("  {}{:<12} → {} ({})\n", pad, e.via.label(), machine.states[e.to].name, count(self.edge_counts[k])));
            }
            for k in self.retriers_of[s].clone() {
                let (_, i) = self.retriers[k];
                let (retry, _) = handlers(&st.kind);
                let names: Vec<&str> = retry[i].error_equals.iter().map(|n| &**n).collect();
                let n = self.retrier_counts[k];
                let fired = if n == 0 { "never".to_string() } else { format!("{} retries", n) };
                out.push_str(&format!("  {}Retry[{}]     [{}] ({})\n", pad, i, names.join(", "), fired));
            }
        }
        out
    }
}
