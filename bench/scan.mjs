#!/usr/bin/env node
// How fast is the fast path's well-formedness proof? µs per document of src/xml/wellformed.ts
// scanChecked (proves well-formedness and builds the JElement tree), of scanTree (the same
// scanner in trusted mode, tree only), and of the parse it replaces: libxml2-wasm
// XmlDocument.fromBuffer with src/xml/parse.ts's options, then dispose — all measured in this run.
//
//   npx tsc -p tsconfig.build.json && node bench/scan.mjs [--docs 500] [--rounds 7] [--dist DIR]
//
// --docs synthetic WS/T 500 documents (round robin over the templates, distinct seeds, as
// bench/validate.mjs generates them), UTF-8 bytes in memory, warm, one thread. Printed: the best
// round's µs per document for each, and the ratio to libxml2's parse (the baseline).
import { parseArgs } from 'node:util';
import { ParseOption, XmlDocument } from 'libxml2-wasm';

const { values: opt } = parseArgs({ options: { docs: { type: 'string', default: '500' }, rounds: { type: 'string', default: '7' }, dist: { type: 'string' } } });
const build = new URL(opt.dist ? `file://${opt.dist.replace(/\/?$/, '/')}` : '../dist/', import.meta.url);
const load = (p) => import(new URL(p, build).href);
const DOCS = Number(opt.docs);
const ROUNDS = Number(opt.rounds);
const [{ loadCatalog }, { sampleDocument }, { scanTree }, { scanChecked }] = await Promise.all(
  ['catalog/index.js', 'samples/document.js', 'xml/jstree.js', 'xml/wellformed.js'].map(load),
);

// the same options as src/xml/parse.ts PARSE_OPTIONS (not exported there)
const OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_NO_SYS_CATALOG
  | ParseOption.XML_PARSE_IGNORE_ENC | ParseOption.XML_PARSE_BIG_LINES | ParseOption.XML_PARSE_HUGE;

const catalog = loadCatalog();
const wst500 = catalog.documents.filter((d) => d.family === 'wst500');
const docs = Array.from({ length: DOCS }, (_, i) => sampleDocument(wst500[i % wst500.length], catalog, { seed: i + 1 }))
  .map((text) => ({ text, bytes: Buffer.from(text, 'utf8') }));
const bytes = docs.reduce((s, d) => s + d.bytes.length, 0);
const refused = docs.filter((d) => !scanChecked(d.text).ok).length;
if (refused > 0) console.warn(`warning: scanChecked refused ${refused} of ${DOCS} generated documents`);

let sink = 0;
const runs = {
  'libxml2 parse': (d) => {
    const doc = XmlDocument.fromBuffer(d.bytes, { option: OPTIONS });
    try { sink += doc.root.name.length; } finally { doc.dispose(); }
  },
  scanChecked: (d) => { const r = scanChecked(d.text); sink += r.ok ? r.root.children.length : 0; },
  scanTree: (d) => { sink += scanTree(d.text).children.length; },
};
const best = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of Object.entries(runs)) {
    const t0 = process.hrtime.bigint();
    for (const d of docs) fn(d);
    const us = Number(process.hrtime.bigint() - t0) / 1000 / DOCS;
    best[name] = Math.min(best[name] ?? Infinity, us);
  }
}
console.log(`${DOCS} documents (mean ${(bytes / DOCS / 1024).toFixed(1)} KB), best of ${ROUNDS} rounds, µs per document (ratio to libxml2 parse in this run):`);
for (const name of Object.keys(runs)) console.log(`  ${name.padEnd(14)} ${best[name].toFixed(1).padStart(8)} µs   ${(best[name] / best['libxml2 parse']).toFixed(2)}×`);
if (sink === 0) console.log('');
