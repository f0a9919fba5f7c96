// Types of `asl-sim/embed` (pkg/asl-sim-embed.js): importing the module
// defines the <asl-sim-embed> element. Copied into pkg/ by scripts/bundle.mjs.

import type { Execution, Json } from "./asl_sim.js";

/** What the element runs: the JSON of its child `<script type="application/json">` or of its `src` file. */
export interface AslSimEmbedConfig {
  /** The definition: the object itself, or a string holding its JSON text (kept as written). */
  definition: Json;
  /** The execution input, the value itself. Default `{}`. */
  input?: Json;
  /** Mocks in either format: the inline form `{"State": {"Return": …}}` or a Step Functions Local MockConfigFile. */
  mocks?: Json;
  /** The MockConfigFile test case to use. */
  testCase?: string;
  /** The MockConfigFile state machine, needed only when it has several. */
  stateMachine?: string;
}

export type AslSimEmbedStatus =
  | "LOADING" | "READY" | "RUNNING" | "PAUSED" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "INVALID" | "ERROR";

/**
 * `<asl-sim-embed>`. Attributes: `src`, `inspector`, `editable`, `readonly`, `autorun`,
 * `theme` (`"light"` | `"dark"`; default: the system's), `height` (px or a CSS length),
 * `loading="eager"`. Fires `statuschange` (`event.detail.status`) whenever the status changes.
 */
export declare class AslSimEmbed extends HTMLElement {
  /** Where the wasm module is fetched from: `asl_sim_bg.wasm` beside the module, unless set before the first element loads. */
  static wasmUrl: URL | string;
  /** The status as shown. */
  readonly status: AslSimEmbedStatus;
  /** The execution (the package's JS API), once started. */
  readonly execution: Execution | null;
  /** The texts in use (definition, input and mocks as JSON text); setting it loads a new state machine. */
  get config(): { definition: string; input: string; mocks: string; testCase?: string; stateMachine?: string } | null;
  set config(value: AslSimEmbedConfig);
  /** Advance one history event (loads the engine first if it is not yet). */
  step(): Promise<void>;
  /** Run until the execution finishes or waits for an answer. */
  run(): Promise<void>;
  /** Discard the execution. */
  reset(): Promise<void>;
}

declare global {
  interface HTMLElementTagNameMap {
    "asl-sim-embed": AslSimEmbed;
  }
  interface HTMLElementEventMap {
    statuschange: CustomEvent<{ status: AslSimEmbedStatus }>;
  }
}
