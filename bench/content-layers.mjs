#!/usr/bin/env node
// How long do the content layers take per document, each on its own?
//
//   npx tsc -p tsconfig.build.json && node bench/content-layers.mjs [--docs 600] [--rounds 5]
//                                                      [--profile] [--layers-only] [--dist DIR]
//
// --docs synthetic WS/T 500 documents of mixed types (round robin over the templates, distinct
// seeds, as bench/validate.mjs generates them) are generated in memory and their JavaScript
// trees built once (src/xml/jstree.ts scanTree). Then, warm and on one thread, each layer runs
// over every document --rounds times: detect, runTemplate, runTerminology, summarise. Printed
// per layer: the best round's µs per document, and its ratio to scanTree measured in the same
// run (the tree build the layers read; a machine-independent yardstick). The content layers'
// budget for issue #9 is 250 µs per document in all. --profile runs the same loop once more
// under the inspector's CPU profiler and writes content-layers.cpuprofile in the working folder.
// --layers-only adds rounds of the content layers alone (for node --cpu-prof). --dist runs another build (e.g. of an older commit) to compare before/after.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return dflt;
  return process.argv[i + 1] ?? dflt;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const distDir = arg('dist', join(root, 'dist'));
const dist = (p) => pathToFileURL(join(distDir, p)).href;

const DOCS = Number(arg('docs', '600'));
const ROUNDS = Number(arg('rounds', '5'));

const { loadCatalog } = await import(dist('catalog/index.js'));
const { sampleDocument } = await import(dist('samples/document.js'));
const { scanTree } = await import(dist('xml/jstree.js'));
const { detect } = await import(dist('validate/detect.js'));
const { runTemplate } = await import(dist('validate/layers/template.js'));
const { runTerminology } = await import(dist('validate/layers/terminology.js'));
const { summarise } = await import(dist('validate/layers/package.js'));

const catalog = loadCatalog();
const templates = catalog.documents.filter((d) => d.family === 'wst500');
const docs = [];
for (let i = 0; i < DOCS; i++) {
  const t = templates[i % templates.length];
  const text = sampleDocument(t, catalog, { seed: i + 1 });
  docs.push({ text, file: `${t.testPrefix}-${t.title}-测试${i + 1}-T01-${String(i + 1).padStart(5, '0')}.xml` });
}
for (const d of docs) d.root = scanTree(d.text);
for (const d of docs) d.detection = detect(d.root, catalog, d.file);
for (const d of docs) d.ctx = { file: d.file, root: d.root, catalog, detection: d.detection };
for (const d of docs) d.resolved = runTemplate(d.ctx).resolved;

let sink = 0;
const layers = {
  scanTree: (d) => { sink += scanTree(d.text).children.length; },
  detect: (d) => { sink += detect(d.root, catalog, d.file).findings.length; },
  runTemplate: (d) => { sink += runTemplate(d.ctx).findings.list.length; },
  runTerminology: (d) => { sink += runTerminology(d.ctx, d.resolved).list.length; },
  summarise: (d) => { sink += summarise(d.root, d.file, d.detection.template?.code).visitKeys.length; },
};

// CPU time of this process, not wall time: on a shared machine waiting for a core is not our cost
function round(fn) {
  const t0 = process.cpuUsage();
  for (const d of docs) fn(d);
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / docs.length;
}

const best = {};
for (const name of Object.keys(layers)) best[name] = Infinity;
for (let r = 0; r < ROUNDS; r++) {
  // interleaved, so a burst of load on a shared machine spreads over every layer
  for (const [name, fn] of Object.entries(layers)) best[name] = Math.min(best[name], round(fn));
}
if (process.argv.includes('--layers-only')) {
  // for a profile of the layers alone: more rounds of them, none of the tree build
  for (let r = 0; r < ROUNDS * 4; r++) for (const n of ['detect', 'runTemplate', 'runTerminology', 'summarise']) round(layers[n]);
}

const content = ['detect', 'runTemplate', 'runTerminology', 'summarise'];
const total = content.reduce((s, n) => s + best[n], 0);
console.log(`${DOCS} documents, best of ${ROUNDS} rounds, CPU µs per document (ratio to scanTree in this run):`);
for (const name of Object.keys(layers)) console.log(`  ${name.padEnd(15)} ${best[name].toFixed(1).padStart(8)} µs   ${(best[name] / best.scanTree).toFixed(2)}×`);
console.log(`  ${'content layers'.padEnd(15)} ${total.toFixed(1).padStart(8)} µs   ${(total / best.scanTree).toFixed(2)}×   (budget 250 µs: ${(total / 250).toFixed(2)} of it)`);

if (process.argv.includes('--profile')) {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  for (let r = 0; r < 3; r++) for (const n of content) round(layers[n]);
  const { profile } = await session.post('Profiler.stop');
  writeFileSync('content-layers.cpuprofile', JSON.stringify(profile));
  console.log('CPU profile: content-layers.cpuprofile');
}
if (sink < 0) console.log(sink);
