// Bundle the playground (www/src/main.js and its npm dependencies: CodeMirror,
// dagre) into www/dist/app.js with esbuild, and the JSONata scratch panel's
// Web Worker into www/dist/jsonata-worker.js, and put the wasm module beside
// them, so www/ is a static site on its own. Run by scripts/build.sh after wasm-bindgen.
//
//   node scripts/bundle.mjs            minified, with a source map
//   node scripts/bundle.mjs --watch    rebuild on every change (development)

import { build, context } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = `${root}www/dist`;
mkdirSync(dist, { recursive: true });

const options = {
  absWorkingDir: root,
  entryPoints: { app: "www/src/main.js", "jsonata-worker": "www/src/jsonata-worker.js" },
  outdir: "www/dist",
  bundle: true,
  format: "esm",
  target: ["chrome111", "firefox113", "safari16.4"],
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
};

copyFileSync(`${root}pkg/asl_sim_bg.wasm`, `${dist}/asl_sim_bg.wasm`);
if (process.argv.includes("--watch")) {
  const ctx = await context(options);
  await ctx.watch();
  console.log("watching www/src for changes");
} else {
  await build(options);
  for (const file of ["app.js", "jsonata-worker.js", "asl_sim_bg.wasm"]) {
    const raw = statSync(`${dist}/${file}`).size;
    const gz = gzipSync(readFileSync(`${dist}/${file}`), { level: 9 }).length;
    console.log(`www/dist/${file}: ${raw} bytes (${Math.round(raw / 1024)} KiB), gzipped ${gz} bytes (${Math.round(gz / 1024)} KiB)`);
  }
}
