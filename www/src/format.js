// How the page and the embed write times and lists of states: the virtual clock's
// elapsed time, durations on the timeline and in the inspector, a few state names.

/** +1:02.500 style elapsed virtual time. */
export function formatElapsed(ms) {
  const sign = ms < 0 ? "-" : "";
  ms = Math.abs(ms);
  const h_ = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const sec = Math.floor((ms % 60_000) / 1000);
  const milli = ms % 1000;
  const two = (n) => String(n).padStart(2, "0");
  return `${sign}${h_ ? `${h_}:${two(m)}` : m}:${two(sec)}.${String(milli).padStart(3, "0")}`;
}

/** 0 s, 2 s, 1 m 30 s, 2 h 5 m: readable virtual durations. */
export function formatSeconds(t) {
  if (t < 1 && t > 0) return `${Math.round(t * 1000)} ms`;
  const s = Math.round(t * 1000) / 1000;
  if (s < 60) return `${+s.toFixed(3)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m${s % 60 ? ` ${+(s % 60).toFixed(3)} s` : ""}`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours} h${m % 60 ? ` ${m % 60} m` : ""}`;
  return `${Math.floor(hours / 24)} d${hours % 24 ? ` ${hours % 24} h` : ""}`;
}

/** Up to `max` distinct state names, `A, B, C…`. */
export function stateList(names, max = 3) {
  const distinct = [...new Set(names)];
  return `${distinct.slice(0, max).join(", ")}${distinct.length > max ? "\u2026" : ""}`;
}
