// A tiny static server for the playground: serves the checkout root, so that
// /www/ and /pkg/ resolve as they will on a static host, with the MIME types
// browsers insist on (application/wasm for streaming compilation, text/javascript
// for modules). Development only: no caching, loopback only.
//
//   node scripts/serve.mjs [--port N]     (default 8080; 0 picks a free port)
//   import { serve } from "./serve.mjs"   (tests: `const { url, close } = await serve({ port: 0 })`)

import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

function send(res, status, text, headers = {}) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
  res.end(text);
}

async function handle(req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "method not allowed\n");
  let path;
  try {
    path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
  } catch {
    return send(res, 400, "bad request\n");
  }
  if (path === "/") return send(res, 302, "", { location: "/www/" });
  let file = normalize(join(root, path));
  if (file !== root.replace(/[\\/]$/, "") && !file.startsWith(root)) return send(res, 403, "forbidden\n");
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    if (!path.endsWith("/")) return send(res, 301, "", { location: path + "/" });
    file = join(file, "index.html");
    info = await stat(file).catch(() => null);
  }
  const hidden = file.slice(root.length).split(sep).some((part) => part.startsWith(".") || part === "node_modules");
  if (!info?.isFile() || hidden) return send(res, 404, `not found: ${path}\n`);
  res.writeHead(200, {
    "content-type": types[extname(file)] ?? "application/octet-stream",
    "content-length": info.size,
    "cache-control": "no-store",
  });
  if (req.method === "HEAD") return res.end();
  createReadStream(file).pipe(res);
}

/** Start the server; resolves to `{ url, port, close }` once it listens. */
export function serve({ port = 8080, host = "127.0.0.1" } = {}) {
  const server = createServer((req, res) => {
    handle(req, res).catch((e) => send(res, 500, `${e}\n`));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      resolve({
        url: `http://${host === "0.0.0.0" ? "localhost" : host}:${actual}/`,
        port: actual,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf("--port");
  const port = Number(i > 0 ? process.argv[i + 1] : (process.env.PORT ?? 8080));
  const { url } = await serve({ port });
  console.log(`asl-sim playground: ${url}www/  (Ctrl-C to stop)`);
}
