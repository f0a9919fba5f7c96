// What the history says happened, in the shapes the views need: which state
// each event belongs to, the lanes of work (the top level, each Parallel
// branch, each Map iteration), one entry per state run with its attempts,
// backoffs and waits, and the status of every state for the graph.
//
// Whether a failure is retried, caught or fatal, and how long its back-off is, is the
// engine's answer (`Execution.failureHandling()`), read beside the events: the page
// does not match ErrorEquals itself, so it cannot disagree with the engine.
//
// Pure functions over GetExecutionHistory events and those decisions (no DOM), so Node can test them.

import { DEFAULTS } from "./defaults.js";

/** Milliseconds since the epoch of an event's ISO timestamp. */
export const millis = (timestamp) => Date.parse(timestamp);

/** The `…EventDetails` object of an event, if any. */
export function detailsOf(event) {
  for (const key in event) if (key.endsWith("EventDetails")) return event[key];
  return undefined;
}

const FAILURE = /^(Task|LambdaFunction|Activity)(Failed|TimedOut|StartFailed|SubmitFailed|ScheduleFailed)$/;
const SCHEDULED = /^(TaskScheduled|LambdaFunctionScheduled|ActivityScheduled)$/;
const SUCCEEDED = /^(TaskSucceeded|LambdaFunctionSucceeded|ActivitySucceeded)$/;
/** A Map or Parallel starting over: its next attempt after a retry's back-off. */
const RESTARTED = /^(MapStateStarted|ParallelStateStarted)$/;

/**
 * Incremental reading of a history. `add(events, handling)` takes events in order, with the
 * engine's failure handling since the last call; `entries` (state runs) and `byState`
 * (latest entries per state name) grow as they come.
 */
export class Trace {
  constructor() {
    this.reset();
  }

  reset() {
    /** event id → {lane, entry} */
    this.info = [undefined];
    /** event id → type, and fork event id → the label its lanes carry */
    this.types = [undefined];
    this.forkLabel = {};
    /** every state run, in the order they started */
    this.entries = [];
    /** …StateEntered event id → its state run */
    this.byEntered = new Map();
    /** how many decisions of the engine's failure handling were read (pending ones aside) */
    this.handled = 0;
    /** what applying the pending decisions changed, to undo before the next read */
    this.provisional = [];
    /** state name → its entries */
    this.byState = new Map();
    /** lane → the entry running in it now */
    this.open = new Map();
    /** "A→B" pairs that some lane took */
    this.taken = new Set();
    /** lane → last exited state name (for taken edges) */
    this.lastExit = new Map();
    /** fork event id → number of branch lanes forked from it so far */
    this.forks = new Map();
    this.start = undefined;
    this.end = undefined;
    this.count = 0;
    this.finished = undefined;
  }

  /**
   * Read more events (they must follow the ones already read) and the engine's decisions
   * about failures, `execution.failureHandling(trace.handled)`: each taken decision is
   * applied between the events it came between; the pending ones (a failure recorded, its
   * state's next turn not yet come) apply until the next call, which takes them back.
   */
  add(events, handling = []) {
    this.#undoPending();
    const taken = handling.filter((d) => !d.pending);
    let k = 0;
    for (const event of events) {
      while (k < taken.length && taken[k].afterEventId < event.id) this.#decide(taken[k++]);
      this.#read(event);
    }
    while (k < taken.length) this.#decide(taken[k++]);
    this.handled += taken.length;
    for (const d of handling) if (d.pending) this.#decide(d, true);
  }

  /** How the engine handled (or, pending, will handle) a failure of a state run. */
  #decide(d, pending = false) {
    const entry = this.byEntered.get(d.enteredEventId);
    if (!entry) return;
    const open = entry.backoffs.at(-1);
    const undo = { entry, phase: entry.phase, backoffs: entry.backoffs.length, handling: entry.handling, open: open?.end === undefined ? open : undefined };
    const time = millis(d.timestamp);
    // A decision about a retry's attempt ends that retry's back-off (an attempt that failed before it was scheduled).
    if (undo.open) undo.open.end = time;
    entry.handling = d;
    if (d.outcome === "retry") {
      const seconds = (ms) => (ms === undefined ? undefined : ms / 1000);
      entry.backoffs.push({ start: time, end: undefined, retry: entry.backoffs.length + 1, error: d.error, planned: seconds(d.delayMillis), upTo: seconds(d.jitterBoundMillis) });
      entry.phase = "retrying";
    } else {
      entry.phase = d.outcome === "catch" ? "caught" : "failed";
    }
    if (pending) this.provisional.push(undo);
  }

  #undoPending() {
    for (const { entry, phase, backoffs, handling, open } of this.provisional.reverse()) {
      entry.phase = phase;
      entry.backoffs.length = backoffs;
      entry.handling = handling;
      if (open) open.end = undefined;
    }
    this.provisional = [];
  }

  #read(event) {
    const { type, id, previousEventId: prev } = event;
    const time = millis(event.timestamp);
    this.count = id;
    if (this.start === undefined) this.start = time;
    this.end = time;
    const details = detailsOf(event);
    const from = this.info[prev];
    let lane = from?.lane ?? "";
    let entry = from?.entry;
    // AWS chains a Map's iteration events and a Parallel's or Map's closing events to the
    // last event of an iteration or branch; they belong to the lane the Map or Parallel
    // was entered in, where it is still open.
    const owner = /^(Parallel|Map)State(Succeeded|Failed|Aborted|Exited)$/.exec(type)?.[1] ?? (type.startsWith("MapIteration") ? "Map" : undefined);
    if (owner && !(entry?.type === owner && this.open.get(lane) === entry)) {
      while (lane !== "" && this.open.get(lane)?.type !== owner) lane = lane.slice(0, lane.lastIndexOf("/"));
      entry = this.open.get(lane) ?? entry;
    }

    if (type.endsWith("StateEntered")) {
      // A state entered straight after a fork starts a lane of its own.
      const forkType = this.types[prev];
      if (forkType === "MapIterationStarted") {
        lane = `${lane}/${this.forkLabel[prev]}`;
      } else if (forkType === "ParallelStateStarted") {
        const n = this.forks.get(prev) ?? 0;
        this.forks.set(prev, n + 1);
        lane = `${lane}/${this.forkLabel[prev]}#${n + 1}`;
      }
      const name = details.name;
      const previousState = this.lastExit.get(lane);
      if (previousState !== undefined) this.taken.add(`${previousState}\u2192${name}`);
      entry = {
        state: name,
        type: type.slice(0, -"StateEntered".length),
        lane,
        depth: lane === "" ? 0 : lane.split("/").length - 1,
        enteredId: id,
        start: time,
        end: undefined,
        phase: type === "WaitStateEntered" ? "waiting" : type === "FailStateEntered" ? "failed" : "active",
        attempts: [],
        backoffs: [],
        /** the engine's latest decision about a failure of this run (FailureHandling) */
        handling: undefined,
        waiting: undefined,
        iteration: lane.match(/\[(\d+)\]$/)?.[1],
        branch: lane.match(/#(\d+)$/)?.[1],
      };
      this.entries.push(entry);
      this.byEntered.set(id, entry);
      if (!this.byState.has(name)) this.byState.set(name, []);
      this.byState.get(name).push(entry);
      this.open.set(lane, entry);
    } else if (type.endsWith("StateExited")) {
      if (entry) {
        entry.end = time;
        entry.exitedId = id;
        if (entry.phase !== "failed" && entry.phase !== "caught") entry.phase = "succeeded";
        this.lastExit.set(lane, entry.state);
        if (this.open.get(lane) === entry) this.open.delete(lane);
      }
    } else if (type.startsWith("Execution")) {
      if (type !== "ExecutionStarted") this.#finish(type, time);
      lane = "";
      entry = undefined;
    } else if (entry) {
      this.#taskEvent(entry, type, time, details);
    }

    if (type === "MapIterationStarted") this.#fork(id, `${details?.name ?? "Map"}[${details?.index ?? 0}]`);
    if (type === "ParallelStateStarted") this.#fork(id, entry?.state ?? "Parallel");
    this.types[id] = type;
    this.info[id] = { lane, entry };
  }

  #fork(id, label) {
    this.forkLabel[id] = label;
  }

  #taskEvent(entry, type, time, details) {
    if (SCHEDULED.test(type) || RESTARTED.test(type)) {
      // The next attempt: the back-off before it is over.
      const last = entry.backoffs.at(-1);
      if (last && last.end === undefined) last.end = time;
      if (SCHEDULED.test(type)) entry.attempts.push({ start: time, end: undefined, outcome: "running" });
      entry.phase = "active";
    } else if (type === "TaskSubmitted") {
      // A callback task waits for the outside world from here (or for its mock's latency).
      entry.waiting = { start: time };
      entry.phase = "waiting";
    } else if (SUCCEEDED.test(type)) {
      const attempt = entry.attempts.at(-1);
      if (attempt) Object.assign(attempt, { end: time, outcome: "succeeded" });
      if (entry.waiting) entry.waiting.end ??= time;
      entry.phase = "active";
    } else if (FAILURE.test(type)) {
      // What comes of it (retry, catch, failure) is the engine's decision, read in `add`.
      const attempt = entry.attempts.at(-1);
      const timedOut = type.endsWith("TimedOut");
      if (attempt) Object.assign(attempt, { end: time, outcome: timedOut ? "timedOut" : "failed", error: details?.error, cause: details?.cause });
      if (entry.waiting) entry.waiting.end ??= time;
    }
  }

  #finish(type, time) {
    this.finished = type;
    for (const entry of this.open.values()) {
      entry.end ??= time;
      if (type !== "ExecutionSucceeded" && entry.phase !== "caught" && entry.phase !== "succeeded") entry.phase = "failed";
    }
    this.open.clear();
  }

  /** The graph status of a state: ongoing work first, else how its latest run ended; `idle` when never entered. */
  statusOf(name) {
    const list = this.byState.get(name);
    if (!list) return "idle";
    const latest = list[list.length - 1];
    for (let i = list.length - 1; i >= 0 && i >= list.length - 64; i--) {
      const e = list[i];
      if (e.end === undefined && (e.phase === "active" || e.phase === "waiting" || e.phase === "retrying")) return e.phase;
    }
    return latest.phase;
  }

  /** How many times a state was entered. */
  runsOf(name) {
    return this.byState.get(name)?.length ?? 0;
  }

  /** How many retries a state made, over all its runs. */
  retriesOf(name) {
    let n = 0;
    for (const e of this.byState.get(name) ?? []) n += e.backoffs.length;
    return n;
  }

  /** The state an event belongs to ("" for execution events). */
  stateOf(id) {
    return this.info[id]?.entry?.state ?? "";
  }

  /** The lane of an event ("" is the top level). */
  laneOf(id) {
    return this.info[id]?.lane ?? "";
  }
}

/**
 * `$$` for the state run `entry` of `name`, rebuilt from the history (and the tasks waiting:
 * their token), for while the engine reports none: before the run has exited.
 */
export function rebuiltContext(events, name, entry, waitingFor) {
  const started = events[0];
  if (!entry || !started) return null;
  const details = started.executionStartedEventDetails ?? {};
  let input;
  try {
    input = JSON.parse(details.input ?? "{}");
  } catch {
    input = details.input;
  }
  const value = {
    Execution: { Id: DEFAULTS.executionArn, Input: input, Name: DEFAULTS.executionName, RoleArn: details.roleArn, StartTime: started.timestamp, RedriveCount: 0 },
    // RetryCount counts the back-offs over, as the engine counts a retry when its attempt begins.
    State: { EnteredTime: events[entry.enteredId - 1]?.timestamp, Name: name, RetryCount: entry.backoffs.filter((b) => b.end !== undefined).length },
    StateMachine: { Id: DEFAULTS.stateMachineArn, Name: DEFAULTS.stateMachineName },
  };
  const token = waitingFor.find((w) => w.state === name && w.token)?.token;
  if (token) value.Task = { Token: token };
  if (entry.iteration !== undefined) value.Map = { Item: { Index: Number(entry.iteration) } };
  return value;
}

/** Every state of a definition by name, nested ones included. */
export function indexStates(definition, out = new Map()) {
  const states = definition?.States;
  if (!states || typeof states !== "object") return out;
  for (const [name, state] of Object.entries(states)) {
    out.set(name, state);
    if (Array.isArray(state?.Branches)) for (const b of state.Branches) indexStates(b, out);
    const processor = state?.ItemProcessor ?? state?.Iterator;
    if (processor) indexStates(processor, out);
  }
  return out;
}
