// The page's whole state in the URL fragment:
//   #state=<unpadded base64url of the UTF-8 JSON>
//   #z=<the same JSON, deflate-raw compressed (CompressionStream), then base64url>   (what Share writes)
// The JSON is {"definition": TEXT, "input": TEXT, "mocks": TEXT, "seed": N,
// "testCase": NAME, "stateMachine": NAME}; only `definition` is required.
// The page adds "breakpoints": [NAME, …] and "jsonata": {"expression": TEXT,
// "variables": TEXT, "against": "auto" | "input" | "state"} (the JSONata scratch
// panel, when it has been used), which older readers ignore.

const FIELDS = { definition: "string", input: "string", mocks: "string", s3: "string", seed: "number", testCase: "string", stateMachine: "string" };

export function base64url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("it holds characters that base64url does not use");
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  let binary;
  try {
    binary = atob(padded);
  } catch {
    throw new Error("it is not valid base64url");
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function through(bytes, stream) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

/** `#state=…` for a state object. */
export function stateFragment(state) {
  return `#state=${base64url(new TextEncoder().encode(JSON.stringify(clean(state))))}`;
}

/** `#z=…`, the compressed form. */
export async function compressedFragment(state) {
  const bytes = new TextEncoder().encode(JSON.stringify(clean(state)));
  return `#z=${base64url(await through(bytes, new CompressionStream("deflate-raw")))}`;
}

const AGAINST = ["auto", "input", "state"];

/** Only the known fields, in the documented order, without empty ones. */
function clean(state) {
  const out = {};
  for (const key of [...Object.keys(FIELDS), "breakpoints", "jsonata"]) {
    const v = state[key];
    if (v === undefined || v === null || v === "") continue;
    if (key === "breakpoints" && (!Array.isArray(v) || v.length === 0)) continue;
    if (key === "jsonata") {
      const scratch = cleanScratch(v);
      if (scratch) out.jsonata = scratch;
      continue;
    }
    out[key] = v;
  }
  return out;
}

/** The scratch panel's fields that say something, or undefined when none does. */
function cleanScratch(v) {
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  const out = {};
  if (typeof v.expression === "string" && v.expression !== "") out.expression = v.expression;
  if (typeof v.variables === "string" && v.variables !== "") out.variables = v.variables;
  if (AGAINST.includes(v.against) && v.against !== "auto") out.against = v.against;
  return Object.keys(out).length ? out : undefined;
}

/**
 * The state in a location hash: `null` when the hash carries none, the state
 * object when it does, and an Error (thrown) that says what is wrong with it otherwise.
 */
export async function readFragment(hash) {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  let bytes;
  if (params.has("z")) {
    const raw = fromBase64url(params.get("z"));
    try {
      bytes = await through(raw, new DecompressionStream("deflate-raw"));
    } catch {
      throw new Error("the #z= data is not deflate-raw compressed");
    }
  } else if (params.has("state")) {
    bytes = fromBase64url(params.get("state"));
  } else {
    return null;
  }
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Error("it is not UTF-8 text");
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`it is not JSON (${e.message})`);
  }
  return validState(value);
}

export function validState(value) {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("it is not a JSON object");
  if (typeof value.definition !== "string") throw new Error('it has no "definition" text');
  const state = {};
  for (const [key, type] of Object.entries(FIELDS)) {
    if (value[key] === undefined || value[key] === null) continue;
    if (typeof value[key] !== type) throw new Error(`"${key}" must be a ${type}`);
    state[key] = value[key];
  }
  if (Array.isArray(value.breakpoints)) state.breakpoints = value.breakpoints.filter((b) => typeof b === "string");
  // The scratch panel is extra: a malformed one is dropped, not an error.
  const scratch = cleanScratch(value.jsonata);
  if (scratch) state.jsonata = scratch;
  // The Substitutions panel's values: string values kept, anything else dropped.
  const subs = value.substitutions;
  if (subs && typeof subs === "object" && !Array.isArray(subs)) {
    const kept = Object.entries(subs).filter(([, v]) => typeof v === "string");
    if (kept.length) state.substitutions = Object.fromEntries(kept);
  }
  return state;
}
