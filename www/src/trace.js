// What the history says happened, in the shapes the views need: which state
// each event belongs to, the lanes of work (the top level, each Parallel
// branch, each Map iteration), one entry per state run with its attempts,
// backoffs and waits, and the status of every state for the graph.
//
// Pure functions over GetExecutionHistory events (no DOM), so Node can test them.

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
const CHILD_FAILURE = /^(MapIterationFailed|MapIterationAborted|ParallelStateFailed|MapStateFailed|MapRunFailed)$/;

/**
 * Incremental reading of a history. `add(events)` takes events in order;
 * `entries` (state runs) and `byState` (latest entries per state name) grow as they come.
 */
export class Trace {
  constructor(definition) {
    /** name → state definition (every nesting level), for Retry/Catch matching. */
    this.states = indexStates(definition);
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

  /** Read more events; they must follow the ones already read. */
  add(events) {
    for (const event of events) this.#read(event);
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
        failure: undefined,
        retryCounts: [],
        waiting: undefined,
        iteration: lane.match(/\[(\d+)\]$/)?.[1],
        branch: lane.match(/#(\d+)$/)?.[1],
      };
      this.entries.push(entry);
      if (!this.byState.has(name)) this.byState.set(name, []);
      this.byState.get(name).push(entry);
      this.open.set(lane, entry);
    } else if (type.endsWith("StateExited")) {
      if (entry) {
        entry.end = time;
        entry.exitedId = id;
        if (entry.phase !== "failed") entry.phase = entry.failure ? "caught" : "succeeded";
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
    if (SCHEDULED.test(type)) {
      const last = entry.failure && entry.backoffs.at(-1);
      if (last && last.end === undefined) last.end = time;
      entry.attempts.push({ start: time, end: undefined, outcome: "running" });
      entry.phase = "active";
    } else if (type === "TaskSubmitted") {
      // A callback task waits for the outside world from here (or for its mock's latency).
      entry.waiting = { start: time };
      entry.phase = "waiting";
    } else if (SUCCEEDED.test(type)) {
      const attempt = entry.attempts.at(-1);
      if (attempt) Object.assign(attempt, { end: time, outcome: "succeeded" });
      if (entry.waiting) entry.waiting.end ??= time;
      entry.failure = undefined;
      entry.phase = "active";
    } else if (FAILURE.test(type)) {
      const attempt = entry.attempts.at(-1);
      const timedOut = type.endsWith("TimedOut");
      const error = details?.error ?? (timedOut ? "States.Timeout" : "States.TaskFailed");
      if (attempt) Object.assign(attempt, { end: time, outcome: timedOut ? "timedOut" : "failed", error, cause: details?.cause });
      if (entry.waiting) entry.waiting.end ??= time;
      this.#failed(entry, error, time);
    } else if (CHILD_FAILURE.test(type)) {
      if (type === "ParallelStateFailed" || type === "MapStateFailed") this.#failed(entry, details?.error ?? "States.BranchFailed", time);
    } else if (type === "ParallelStateSucceeded" || type === "MapStateSucceeded") {
      entry.failure = undefined;
    }
  }

  /** A failure: retried, caught or fatal, as the state's Retry and Catch say. */
  #failed(entry, error, time) {
    entry.failure = error;
    const state = this.states.get(entry.state) ?? {};
    const retriers = Array.isArray(state.Retry) ? state.Retry : [];
    const i = retriers.findIndex((r) => errorMatches(r?.ErrorEquals, error));
    if (i >= 0) {
      const used = entry.retryCounts[i] ?? 0;
      const max = retriers[i].MaxAttempts ?? 3;
      if (used < max) {
        entry.retryCounts[i] = used + 1;
        const interval = retriers[i].IntervalSeconds ?? 1;
        const rate = retriers[i].BackoffRate ?? 2;
        let delay = interval * Math.pow(rate, used);
        if (retriers[i].MaxDelaySeconds !== undefined) delay = Math.min(delay, retriers[i].MaxDelaySeconds);
        entry.backoffs.push({ start: time, end: undefined, retry: entry.backoffs.length + 1, error, planned: delay });
        entry.phase = "retrying";
        return;
      }
    }
    const catchers = Array.isArray(state.Catch) ? state.Catch : [];
    entry.phase = catchers.some((c) => errorMatches(c?.ErrorEquals, error)) ? "caught" : "failed";
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

/** AWS's ErrorEquals matching: names, `States.ALL`, and `States.TaskFailed` for anything but a timeout. */
export function errorMatches(list, error) {
  if (!Array.isArray(list)) return false;
  if (list.includes(error)) return true;
  if (error === "States.Runtime") return false;
  if (list.includes("States.ALL")) return true;
  return list.includes("States.TaskFailed") && error !== "States.Timeout" && error !== "States.HeartbeatTimeout" && !error.startsWith("States.");
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
