// Bundle the playground (www/src/main.js and its npm dependencies: CodeMirror,
// dagre) into www/dist/app.js with esbuild, and the JSONata scratch panel's
// Web Worker into www/dist/jsonata-worker.js, and put the wasm module beside
// them, so www/ is a static site on its own. Run by scripts/build.sh after wasm-bindgen.
// Then the <asl-sim-embed> element (www/embed/) into pkg/asl-sim-embed.js: one
// self-contained module (the wasm glue, dagre and the shared views inside, no
// imports left), with a copy in www/dist/ for the docs page, www/embed.html.
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

const embed = {
  ...options,
  entryPoints: ["www/embed/asl-sim-embed.js"],
  outdir: undefined,
  outfile: "pkg/asl-sim-embed.js",
  // Shadow-root styles, imported as text.
  loader: { ".css": "text" },
  sourcemap: false,
  legalComments: "eof",
  metafile: true,
};

/** The embed must stand alone, and carry nothing only the playground needs. */
function checkEmbed(metafile) {
  const output = metafile.outputs["pkg/asl-sim-embed.js"];
  if (output.imports.length) throw new Error(`pkg/asl-sim-embed.js still imports ${output.imports.map((i) => i.path).join(", ")}`);
  // The history table and the timeline lend a formatter each: their view classes must be tree-shaken away.
  const playgroundOnly = Object.entries(output.inputs)
    .filter(([p, { bytesInOutput }]) => (/@codemirror|@lezer|www\/src\/(main|editors|examples|share)\.js$/.test(p) && bytesInOutput > 0)
      || (/www\/src\/(timeline|history-view)\.js$/.test(p) && bytesInOutput > 1024))
    .map(([p]) => p);
  if (playgroundOnly.length) throw new Error(`pkg/asl-sim-embed.js carries playground-only code: ${playgroundOnly.join(", ")}`);
}

const size = (path) => {
  const raw = statSync(`${root}${path}`).size;
  const gz = gzipSync(readFileSync(`${root}${path}`), { level: 9 }).length;
  console.log(`${path}: ${raw} bytes (${Math.round(raw / 1024)} KiB), gzipped ${gz} bytes (${Math.round(gz / 1024)} KiB)`);
};

copyFileSync(`${root}pkg/asl_sim_bg.wasm`, `${dist}/asl_sim_bg.wasm`);
copyFileSync(`${root}www/embed/asl-sim-embed.d.ts`, `${root}pkg/asl-sim-embed.d.ts`);
if (process.argv.includes("--watch")) {
  const ctx = await context(options);
  await ctx.watch();
  const copy = { name: "copy", setup: (b) => b.onEnd(() => copyFileSync(`${root}pkg/asl-sim-embed.js`, `${dist}/asl-sim-embed.js`)) };
  const embedCtx = await context({ ...embed, plugins: [copy] });
  await embedCtx.watch();
  console.log("watching www/src and www/embed for changes");
} else {
  await build(options);
  const { metafile } = await build(embed);
  checkEmbed(metafile);
  copyFileSync(`${root}pkg/asl-sim-embed.js`, `${dist}/asl-sim-embed.js`);
  for (const path of ["www/dist/app.js", "www/dist/jsonata-worker.js", "www/dist/asl_sim_bg.wasm", "pkg/asl-sim-embed.js"]) size(path);
}
