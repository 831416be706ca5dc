#!/usr/bin/env node
// How fast is the fast path's well-formedness proof? µs per document of src/xml/wellformed.ts
// scanChecked (proves well-formedness and builds the JElement tree), of scanTree (the same
// scanner in trusted mode, tree only), and of the parse it replaces: libxml2-wasm
// XmlDocument.fromBuffer with src/xml/parse.ts's options, then dispose — all measured in this run.
//
//   npx tsc -p tsconfig.build.json && node bench/scan.mjs [--docs 500] [--rounds 7] [--dist DIR]
//        [--files DIR] [--base DIR] [--alloc]
//
// --docs synthetic WS/T 500 documents (round robin over the templates, distinct seeds, as
// bench/validate.mjs generates them), UTF-8 bytes in memory, warm, one thread. Printed: the best
// round's µs per document for each, and the ratio to libxml2's parse (the baseline).
// --files DIR: the .xml files of DIR instead (no generation in this process: generating many
// documents leaves the heap in a state that slows scavenges for a while).
// --base DIR: A/B against another build (e.g. a copy of an older dist/ that can resolve
// node_modules): both scanners run in this process, in alternating order round after round, and
// the median of the per-round ratios (this build / base) is printed — on a noisy machine the
// ratio within a round is what holds still, not the timings.
// --alloc: bytes allocated per document by scanChecked (sampling heap profiler, objects freed by
// minor and major GCs included), for this build and the base.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { ParseOption, XmlDocument } from 'libxml2-wasm';

const { values: opt } = parseArgs({
  options: {
    docs: { type: 'string', default: '500' }, rounds: { type: 'string', default: '7' }, dist: { type: 'string' },
    files: { type: 'string' }, base: { type: 'string' }, alloc: { type: 'boolean', default: false },
  },
});
const dirUrl = (d) => pathToFileURL(resolve(d) + '/');
const build = opt.dist ? dirUrl(opt.dist) : new URL('../dist/', import.meta.url);
const loadFrom = (b) => (p) => import(new URL(p, b).href);
const load = loadFrom(build);
const ROUNDS = Number(opt.rounds);
const [{ scanTree }, { scanChecked }] = await Promise.all(['xml/jstree.js', 'xml/wellformed.js'].map(load));

let texts;
if (opt.files) {
  texts = readdirSync(opt.files).filter((f) => f.endsWith('.xml')).sort().slice(0, Number(opt.docs))
    .map((f) => new TextDecoder().decode(readFileSync(join(opt.files, f))));
} else {
  const [{ loadCatalog }, { sampleDocument }] = await Promise.all(['catalog/index.js', 'samples/document.js'].map(load));
  const catalog = loadCatalog();
  const wst500 = catalog.documents.filter((d) => d.family === 'wst500');
  texts = Array.from({ length: Number(opt.docs) }, (_, i) => sampleDocument(wst500[i % wst500.length], catalog, { seed: i + 1 }));
}
const DOCS = texts.length;
const docs = texts.map((text) => ({ text, bytes: Buffer.from(text, 'utf8') }));
const bytes = docs.reduce((s, d) => s + d.bytes.length, 0);
const refused = docs.filter((d) => !scanChecked(d.text).ok).length;
if (refused > 0) console.warn(`warning: scanChecked refused ${refused} of ${DOCS} documents`);

// the same options as src/xml/parse.ts PARSE_OPTIONS (not exported there)
const OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_NO_SYS_CATALOG
  | ParseOption.XML_PARSE_IGNORE_ENC | ParseOption.XML_PARSE_BIG_LINES | ParseOption.XML_PARSE_HUGE;

let sink = 0;
/**
 * µs to run fn over the documents (all by default): total, or per document when no list is given.
 * With --base, CPU time of the process (time on a core, not time waiting for one: the machine is
 * shared), else wall time.
 */
const timeOf = (fn, list) => {
  const ds = list ?? docs;
  if (opt.base) {
    const c0 = process.cpuUsage();
    for (const d of ds) fn(d);
    const c = process.cpuUsage(c0);
    const us = c.user + c.system;
    return list ? us : us / DOCS;
  }
  const t0 = process.hrtime.bigint();
  for (const d of ds) fn(d);
  const us = Number(process.hrtime.bigint() - t0) / 1000;
  return list ? us : us / DOCS;
};
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

/** bytes allocated per document by fn over the documents (after a warm-up pass) */
async function allocPerDoc(fn) {
  for (const d of docs) fn(d);
  const s = new Session();
  s.connect();
  await s.post('HeapProfiler.enable');
  await s.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  for (const d of docs) fn(d);
  const { profile } = await s.post('HeapProfiler.stopSampling');
  await s.post('HeapProfiler.disable');
  s.disconnect();
  let total = 0;
  const walk = (n) => { total += n.selfSize; n.children.forEach(walk); };
  walk(profile.head);
  return total / DOCS;
}

if (opt.base) {
  const base = dirUrl(opt.base);
  const [{ scanTree: baseTree }, { scanChecked: baseChecked }] = await Promise.all(['xml/jstree.js', 'xml/wellformed.js'].map(loadFrom(base)));
  const pairs = {
    scanChecked: [(d) => { const r = scanChecked(d.text); sink += r.ok ? r.root.children.length : 0; }, (d) => { const r = baseChecked(d.text); sink += r.ok ? r.root.children.length : 0; }],
    scanTree: [(d) => { sink += scanTree(d.text).children.length; }, (d) => { sink += baseTree(d.text).children.length; }],
  };
  const ratios = { scanChecked: [], scanTree: [] };
  const bestOf = {};
  const BLOCK = 50;
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, [mine, theirs]] of Object.entries(pairs)) {
      // small blocks of documents, alternating which build goes first: load spikes and GC pauses
      // land on both sides alike instead of on one whole round
      let a = 0;
      let b = 0;
      for (let k = 0; k < DOCS; k += BLOCK) {
        const block = docs.slice(k, k + BLOCK);
        if ((k / BLOCK + r) % 2 === 0) {
          a += timeOf(mine, block);
          b += timeOf(theirs, block);
        } else {
          b += timeOf(theirs, block);
          a += timeOf(mine, block);
        }
      }
      ratios[name].push(a / b);
      bestOf[name] = { mine: Math.min(bestOf[name]?.mine ?? Infinity, a / DOCS), base: Math.min(bestOf[name]?.base ?? Infinity, b / DOCS) };
    }
  }
  console.log(`${DOCS} documents (mean ${(bytes / DOCS / 1024).toFixed(1)} KB), ${ROUNDS} alternating rounds, this build (${build.pathname}) vs base (${base.pathname}):`);
  for (const name of Object.keys(pairs)) {
    const m = median(ratios[name]);
    console.log(`  ${name.padEnd(12)} best ${bestOf[name].mine.toFixed(1).padStart(7)} µs vs ${bestOf[name].base.toFixed(1).padStart(7)} µs; median time ratio ${m.toFixed(3)} (${(1 / m).toFixed(2)}× as fast), per round ${ratios[name].map((x) => x.toFixed(2)).join(' ')}`);
  }
  if (opt.alloc) {
    const mineA = await allocPerDoc(pairs.scanChecked[0]);
    const baseA = await allocPerDoc(pairs.scanChecked[1]);
    console.log(`  scanChecked allocation: ${(mineA / 1024).toFixed(1)} KB per document vs ${(baseA / 1024).toFixed(1)} KB (${(mineA / baseA).toFixed(2)}×)`);
  }
} else {
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
    for (const [name, fn] of Object.entries(runs)) best[name] = Math.min(best[name] ?? Infinity, timeOf(fn));
  }
  console.log(`${DOCS} documents (mean ${(bytes / DOCS / 1024).toFixed(1)} KB), best of ${ROUNDS} rounds, µs per document (ratio to libxml2 parse in this run):`);
  for (const name of Object.keys(runs)) console.log(`  ${name.padEnd(14)} ${best[name].toFixed(1).padStart(8)} µs   ${(best[name] / best['libxml2 parse']).toFixed(2)}×`);
  if (opt.alloc) console.log(`  scanChecked allocation: ${((await allocPerDoc(runs.scanChecked)) / 1024).toFixed(1)} KB per document`);
}
if (sink === 0) console.log('');
