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
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ParseOption, XmlDocument } from 'libxml2-wasm';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return dflt;
  return process.argv[i + 1] ?? dflt;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const distDir = arg('dist', join(root, 'dist'));
const dist = (p) => pathToFileURL(join(distDir, p)).href;
const DOCS = Number(arg('docs', '500'));
const ROUNDS = Number(arg('rounds', '7'));

const { loadCatalog } = await import(dist('catalog/index.js'));
const { sampleDocument } = await import(dist('samples/document.js'));
const { scanTree } = await import(dist('xml/jstree.js'));
const { scanChecked } = await import(dist('xml/wellformed.js'));

// the same options as src/xml/parse.ts PARSE_OPTIONS (not exported there)
const OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_NO_SYS_CATALOG
  | ParseOption.XML_PARSE_IGNORE_ENC | ParseOption.XML_PARSE_BIG_LINES | ParseOption.XML_PARSE_HUGE;

const catalog = loadCatalog();
const templates = catalog.documents.filter((d) => d.family === 'wst500');
const docs = [];
for (let i = 0; i < DOCS; i++) {
  const t = templates[i % templates.length];
  const text = sampleDocument(t, catalog, { seed: i + 1 });
  docs.push({ text, bytes: Buffer.from(text, 'utf8') });
}
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
