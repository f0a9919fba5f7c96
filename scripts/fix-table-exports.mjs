// Repair the table exports of a module written by an old wasm-opt.
//
// Debian bookworm's binaryen (version 108) writes every exported table as
// table index 0. wasm-bindgen's output has two tables — the funcref table and
// the externref table `__wbindgen_externrefs`, which the JS glue grows at
// start-up — so after `wasm-opt` the glue grows the wrong table and `init()`
// fails with "WebAssembly.Table.grow(): failed to grow table". The tables
// themselves and every instruction that uses them are written correctly; only
// the export entries are wrong. This script points each table export of the
// optimised module back at the table of the element type it had in the
// module before optimisation, in place, and fails loudly if it cannot.
//
//   node scripts/fix-table-exports.mjs BEFORE.wasm AFTER.wasm

import { readFileSync, writeFileSync } from "node:fs";

function uleb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

/** Table element types in index order, and table exports as {name, index, at} (at: offset of the index). */
function tables(bytes) {
  const types = [];
  const exports = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = uleb(bytes, at + 1);
    let p = start;
    const count = () => {
      const [n, q] = uleb(bytes, p);
      p = q;
      return n;
    };
    const name = () => {
      const n = count();
      const s = new TextDecoder().decode(bytes.subarray(p, p + n));
      p += n;
      return s;
    };
    const limits = () => {
      const flags = bytes[p++];
      count();
      if (flags & 1) count();
    };
    if (id === 2) {
      for (let i = count(); i > 0; i--) {
        name();
        name();
        const kind = bytes[p++];
        if (kind === 0) count();
        else if (kind === 1) types.push(bytes[p++]), limits();
        else if (kind === 2) limits();
        else if (kind === 3) p += 2;
        else if (kind === 4) p++, count();
        else throw new Error(`unknown import kind ${kind}`);
      }
    } else if (id === 4) {
      for (let i = count(); i > 0; i--) {
        if (bytes[p] === 0x40) throw new Error("tables with initialisers are not supported");
        types.push(bytes[p++]);
        limits();
      }
    } else if (id === 7) {
      for (let i = count(); i > 0; i--) {
        const n = name();
        const kind = bytes[p++];
        const indexAt = p;
        const index = count();
        if (kind === 1) exports.push({ name: n, index, at: indexAt, length: p - indexAt });
      }
    }
    at = start + size;
  }
  return { types, exports };
}

const [beforePath, afterPath] = process.argv.slice(2);
if (!afterPath) {
  console.error("usage: node scripts/fix-table-exports.mjs BEFORE.wasm AFTER.wasm");
  process.exit(2);
}
const before = tables(readFileSync(beforePath));
const bytes = readFileSync(afterPath);
const after = tables(bytes);
let fixed = 0;
for (const exp of after.exports) {
  const original = before.exports.find((e) => e.name === exp.name);
  if (!original) throw new Error(`table export ${exp.name} is new`);
  const type = before.types[original.index];
  if (after.types[exp.index] === type) continue;
  const candidates = after.types.flatMap((t, i) => (t === type ? [i] : []));
  if (candidates.length !== 1 || candidates[0] > 0x7f || exp.length !== 1) {
    throw new Error(`cannot repair table export ${exp.name}: ${candidates.length} tables of its type`);
  }
  bytes[exp.at] = candidates[0];
  fixed++;
}
new WebAssembly.Module(bytes); // throws if the result is not a valid module
if (fixed > 0) {
  writeFileSync(afterPath, bytes);
  console.log(`fix-table-exports: repaired ${fixed} table export(s) that wasm-opt wrote as table 0`);
}
