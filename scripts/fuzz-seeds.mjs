// Seeds for the fuzz targets (scripts/fuzz.sh): node scripts/fuzz-seeds.mjs CORPUS SHARED
// Every definition of the repository's fixtures and golden runs and of the AWS-recorded
// cases in SHARED/conformance/localstack, as definition text; every JSONPath, intrinsic
// call and JSONata expression found in them, as `EXPRESSION\nINPUT` (the case's input);
// and the hand-written seeds of fuzz/seeds/. Files are named by their content's hash,
// so running this again adds nothing twice.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [corpus = "fuzz/corpus", shared = "../shared"] = process.argv.slice(2);
const targets = ["definition", "jsonpath", "intrinsics", "jsonata", "execution"];
const counts = Object.fromEntries(targets.map((t) => [t, 0]));
const seen = new Set();

function add(target, bytes) {
  const name = createHash("sha1").update(bytes).digest("hex");
  if (seen.has(target + name)) return;
  seen.add(target + name);
  writeFileSync(join(corpus, target, name), bytes);
  counts[target]++;
}

/** Every string in a definition, with the key it sits under. */
function* strings(v, key = "") {
  if (typeof v === "string") yield [key, v];
  else if (Array.isArray(v)) for (const x of v) yield* strings(x, key);
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) yield* strings(x, k);
}

function definition(def, input) {
  add("definition", JSON.stringify(def, null, 2));
  const doc = input === undefined ? "" : JSON.stringify(input);
  for (const [key, s] of strings(def)) {
    const jsonata = s.match(/^\{%([\s\S]*)%\}$/);
    if (jsonata) add("jsonata", `${jsonata[1].trim().replace(/\n/g, " ")}\n${doc}`);
    else if (s.startsWith("States.")) add("intrinsics", `${s}\n${doc}`);
    else if (s.startsWith("$") && (key.endsWith(".$") || key.endsWith("Path") || key === "Variable")) add("jsonpath", `${s}\n${doc}`);
  }
}

for (const t of targets) mkdirSync(join(corpus, t), { recursive: true });
for (const t of targets) {
  const dir = join("fuzz/seeds", t);
  for (const f of readdirSync(dir)) add(t, readFileSync(join(dir, f)));
}
for (const f of readdirSync("tests/golden").filter((f) => f.endsWith(".asl.json"))) {
  const base = join("tests/golden", f.replace(/\.asl\.json$/, ""));
  const input = existsSync(`${base}.input.json`) ? JSON.parse(readFileSync(`${base}.input.json`, "utf8")) : undefined;
  definition(JSON.parse(readFileSync(join("tests/golden", f), "utf8")), input);
}
for (const f of readdirSync("tests/fixtures/run")) {
  const c = JSON.parse(readFileSync(join("tests/fixtures/run", f), "utf8"));
  definition(c.definition, c.input);
}
for (const f of readdirSync("tests/fixtures/validate").filter((f) => f.endsWith(".json"))) {
  add("definition", readFileSync(join("tests/fixtures/validate", f)));
}
const localstack = join(shared, "conformance/localstack");
if (!existsSync(localstack)) {
  console.error(`shared data not found at '${shared}' (set ASL_SIM_SHARED): seeding from the repository only`);
} else {
  for (const f of readdirSync(localstack).filter((f) => f.endsWith(".jsonl"))) {
    for (const line of readFileSync(join(localstack, f), "utf8").split("\n")) {
      if (!line.trim()) continue;
      const c = JSON.parse(line);
      if (c.definition) definition(c.definition, c.input);
    }
  }
}
console.log(`seeds in ${corpus}: ${targets.map((t) => `${t} ${counts[t]}`).join(", ")}`);
