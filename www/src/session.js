// One execution as the playground and <asl-sim-embed> drive it: the Simulator and its
// Execution, the history read so far with its Trace (and the engine's failure handling),
// the latest step report, and the moves (step, step back, run, run to a state, answer a
// paused task, stop, reset) over the shared run loop. What differs between the two stays
// with them: editors, problems and views. The session never touches the DOM; during a run
// it calls `render` (at most every `renderMs`) or `progress` between slices, and the caller
// renders after each move.

import { runInSlices } from "./run-loop.js";
import { Trace, millis } from "./trace.js";
import { DEFAULTS } from "./defaults.js";

export const FINISHED = new Set(["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]);

export class Session {
  /**
   * `hooks`: `input()` the execution input text; `render()` and `progress(report)` during a
   * run; `runStarted()` once a run has begun, before its first slice; `cannotStart(e)` when
   * there is no Simulator (`e` undefined) or `start()` threw `e`.
   */
  constructor({ input, render, progress = () => {}, runStarted = () => {}, cannotStart = () => {}, renderMs = 120 }) {
    this.hooks = { input, render, progress, runStarted, cannotStart };
    this.renderMs = renderMs;
    this.simulator = null;
    this.execution = null;
    /** the history so far, as read from the engine (a cache: the engine has the truth) */
    this.events = [];
    this.trace = new Trace();
    this.report = null;
    /** the state a run stopped before (a breakpoint), until the next move */
    this.pausedBefore = null;
    /** what the user did last: "run" goes on running after a task is answered by hand */
    this.mode = "step";
    /** bumped to cancel a run in progress (reset, an edit, a new example) */
    this.generation = 0;
    this.running = false;
  }

  /** Use `simulator` (null: none could be built) from now on; the execution is discarded. */
  setSimulator(simulator) {
    this.simulator?.free();
    this.simulator = simulator;
    this.reset();
  }

  /** Discard the execution (and stop a run in progress): back to READY. */
  reset() {
    this.cancel();
    this.execution?.free();
    this.execution = null;
    this.events = [];
    this.trace = new Trace();
    this.report = null;
    this.pausedBefore = null;
  }

  /** Stop a run in progress; the execution stays. */
  cancel() {
    this.generation++;
    this.running = false;
  }

  /** The execution, started on first use; null when it cannot start (`cannotStart` said why). */
  start() {
    if (this.execution) return this.execution;
    if (!this.simulator) {
      this.hooks.cannotStart(undefined);
      return null;
    }
    const text = this.hooks.input();
    try {
      this.execution = this.simulator.start(text.trim() === "" ? "{}" : text);
    } catch (e) {
      this.hooks.cannotStart(e);
      return null;
    }
    this.trace = new Trace();
    this.events = [];
    this.take(this.execution.history()); // ExecutionStarted, recorded by start()
    return this.execution;
  }

  /** READY or INVALID before an execution, PAUSED before a breakpoint, else the engine's status. */
  status() {
    if (!this.execution) return this.simulator ? "READY" : "INVALID";
    if (this.pausedBefore) return "PAUSED";
    return this.report?.status ?? this.execution.status();
  }

  /** The virtual clock: the latest report's, else the last event's, else the default start. */
  clock() {
    return this.report?.clock ?? this.events.at(-1)?.timestamp ?? DEFAULTS.startTime;
  }

  /** Virtual milliseconds since the execution started (or would start). */
  elapsed() {
    return millis(this.clock()) - millis(this.events[0]?.timestamp ?? DEFAULTS.startTime);
  }

  /** New events from the engine, with its decisions about failures since the last read. */
  take(events) {
    if (events.length === 0) return;
    this.events.push(...events);
    this.trace.add(events, this.execution.failureHandling(this.trace.handled));
  }

  /** Read the history again up to `count` events (after the engine stepped back). */
  #reread(count) {
    this.events.length = Math.min(this.events.length, count);
    this.trace = new Trace();
    this.trace.add(this.events, this.execution.failureHandling());
  }

  /** One history event; the report, or null when nothing could move. */
  step() {
    const ex = this.start();
    if (!ex || this.running) return null;
    this.mode = "step";
    this.pausedBefore = null;
    const report = ex.step();
    this.take(report.events);
    this.report = report;
    return report;
  }

  /** One event back (the engine replays); the report, or null when there is nothing to undo. */
  stepBack() {
    const ex = this.execution;
    if (!ex || this.running || this.events.length <= 1) return null;
    this.mode = "step";
    const report = ex.stepBack();
    this.#reread(report.eventCount);
    this.pausedBefore = null;
    this.report = report;
    return report;
  }

  /**
   * Run until finished or paused, or, with `stopBefore` (state names), until the execution is
   * about to enter one of them: it steps onto the `…StateEntered`, then back, and
   * `pausedBefore` names the state. Resolves to `{report, hit}`, or null when the run did not
   * start or was superseded (a reset, another run).
   */
  async run({ mode = "run", stopBefore = null } = {}) {
    const ex = this.start();
    if (!ex || this.running) return null;
    this.mode = mode;
    const generation = ++this.generation;
    this.running = true;
    this.hooks.runStarted();
    let report = this.report;
    // Paused before a breakpoint: enter it first, or we would stop where we are.
    if (this.pausedBefore) {
      report = ex.step();
      this.take(report.events);
      this.pausedBefore = null;
    }
    let hit = null;
    let drawn = performance.now();
    try {
      const run = await runInSlices(ex, report, {
        take: (events) => this.take(events),
        stop: (event) => Boolean(stopBefore && event.type.endsWith("StateEntered") && stopBefore.has(event.stateEnteredEventDetails?.name)),
        between: (r) => {
          this.report = r;
          if (performance.now() - drawn > this.renderMs) {
            this.hooks.render();
            drawn = performance.now();
          } else this.hooks.progress(r);
        },
        live: () => generation === this.generation,
      });
      if (!run.live) return null;
      report = run.report;
      hit = run.stoppedAt?.stateEnteredEventDetails.name ?? null;
    } finally {
      if (generation === this.generation) this.running = false;
    }
    if (hit) {
      // Stop before it: one step back (the engine replays; the events before are the same).
      report = ex.stepBack();
      this.#reread(report.eventCount);
      this.pausedBefore = hit;
    }
    this.report = report;
    return { report, hit };
  }

  /** Answer a paused task: `send(execution)` calls sendTaskSuccess/Failure. True when a run should go on (the last move was a run). */
  answer(send) {
    send(this.execution);
    this.report = this.execution.run({ maxSteps: 0 });
    return this.mode === "run";
  }

  /** Let virtual time pass to the next timer (advanceClock); the report, or null with no execution. */
  advanceClock() {
    const ex = this.execution;
    if (!ex || this.running) return null;
    this.pausedBefore = null;
    const report = ex.advanceClock();
    this.take(report.events);
    this.report = report;
    this.mode = "run";
    return report;
  }

  /** StopExecution: the engine records ExecutionAborted at once. */
  stop(error, cause) {
    const ex = this.execution;
    if (!ex) return;
    this.cancel();
    ex.stop(error, cause);
    this.take(ex.history().slice(this.events.length));
    this.pausedBefore = null;
    this.report = ex.run({ maxSteps: 0 }); // the report without moving: a budget of nothing
  }

  /** What the graph shows: each state's status (the ones a task waits on as waiting), runs, retries and the edges taken. */
  graphView() {
    const waiting = new Set((this.report?.waitingFor ?? []).filter((w) => w.kind !== "breakpoint").map((w) => w.state));
    const trace = this.trace;
    return {
      status: (name) => (waiting.has(name) ? "waiting" : trace.statusOf(name)),
      runs: (name) => trace.runsOf(name),
      taken: trace.taken,
      retries: (name) => trace.retriesOf(name),
      pausedBefore: this.pausedBefore,
    };
  }

  /** The engine's inspection of a state's latest run and the variables in scope (nulls before it ran). */
  inspect(name) {
    const ex = this.execution;
    if (!ex || this.trace.runsOf(name) === 0) return { inspection: null, variables: null };
    try {
      return { inspection: ex.inspect(name), variables: ex.variables(name) };
    } catch (e) {
      console.warn("inspect failed", e);
      return { inspection: null, variables: null };
    }
  }
}
