// The one run loop of the playground and the embed: step() in slices of SLICE_MS with a
// turn for the page between them, so no definition (even 25,000 events) can freeze it.
// Stepping (rather than run({maxSteps})) hands over each event as it happens, so the page
// never has to read the whole history back.
import { yieldToBrowser } from "./dom.js";

/** Time one slice may take before the page gets a turn. */
export const SLICE_MS = 12;

/**
 * Step `ex` until it records no new event, `stop(event)` says so, or `live()` turns false
 * after a turn (another run or a reset took over). `take(events)` gets each step's events;
 * `between(report)` runs between slices, before the page's turn.
 * Resolves to `{ report, stoppedAt, live }`: the last report (`report` when nothing ran),
 * the event `stop` chose, and whether the run is still the page's.
 */
export async function runInSlices(ex, report, { take, stop = () => false, between = () => {}, live = () => true }) {
  for (;;) {
    const t0 = performance.now();
    let moved = false;
    while (performance.now() - t0 < SLICE_MS) {
      report = ex.step();
      const event = report.events[0];
      if (!event) break;
      moved = true;
      take(report.events);
      if (stop(event)) return { report, stoppedAt: event, live: true };
    }
    if (!moved || report.events.length === 0) return { report, stoppedAt: null, live: true };
    between(report);
    await yieldToBrowser();
    if (!live()) return { report, stoppedAt: null, live: false };
  }
}
