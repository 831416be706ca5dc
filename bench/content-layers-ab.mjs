#!/usr/bin/env node
// Before/after of the content layers: two (or more) builds loaded in ONE process, each with its
// own modules and trees, their rounds alternated so that the load of a shared machine falls on
// both alike; per layer the best round's CPU µs per document and the ratio first/second.
//
//   git archive <commit> src tsconfig.json tsconfig.build.json package.json shared-docs datasets \
//     schemas scenarios | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/ \
//     && (cd /tmp/base && npx tsc -p tsconfig.build.json)
//   npx tsc -p tsconfig.build.json && ROUNDS=10 node bench/content-layers-ab.mjs before=/tmp/base/dist after=dist
//
// A build whose detect() still takes the libxml2 element (before c757b8b) is given one.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const builds = process.argv.slice(2).map((a) => { const [name, dir] = a.split('='); return { name, dir: pathToFileURL(resolve(dir)).href }; });
if (builds.length === 0) throw new Error('usage: node bench/content-layers-ab.mjs name=distDir [name=distDir …]');
const N = 300;
for (const b of builds) {
  const D = b.dir;
  const { loadCatalog } = await import(D + '/catalog/index.js');
  const { sampleDocument } = await import(D + '/samples/document.js');
  const J = await import(D + '/xml/jstree.js');
  const { detect } = await import(D + '/validate/detect.js');
  const { runTemplate } = await import(D + '/validate/layers/template.js');
  const { runTerminology } = await import(D + '/validate/layers/terminology.js');
  const { summarise } = await import(D + '/validate/layers/package.js');
  const { parseXmlText } = await import(D + '/xml/parse.js');
  const catalog = loadCatalog();
  const templates = catalog.documents.filter((d) => d.family === 'wst500');
  const docs = [];
  for (let i = 0; i < N; i++) { const t = templates[i % templates.length]; const text = sampleDocument(t, catalog, { seed: i + 1 }); docs.push({ text, file: `${t.testPrefix}-${t.title}-测试${i + 1}-T01-${String(i + 1).padStart(5, '0')}.xml` }); }
  const oldDetect = detect.toString().includes('rootInfo');
  for (const d of docs) { d.root = J.scanTree(d.text); d.dr = oldDetect ? parseXmlText(d.text).doc.root : d.root; d.detection = detect(d.dr, catalog, d.file); d.ctx = { file: d.file, root: d.root, catalog, detection: d.detection }; d.resolved = runTemplate(d.ctx).resolved; }
  b.layers = {
    detect: (d) => detect(d.dr, catalog, d.file).findings.length,
    runTemplate: (d) => runTemplate(d.ctx).findings.list.length,
    runTerminology: (d) => runTerminology(d.ctx, d.resolved).list.length,
    summarise: (d) => summarise(d.root, d.file, d.detection.template?.code).visitKeys.length,
  };
  b.docs = docs; b.best = {};
}
let sink = 0;
const ROUNDS = Number(process.env.ROUNDS ?? 8);
for (let r = 0; r < ROUNDS; r++) for (const name of Object.keys(builds[0].layers)) for (const b of builds) {
  const fn = b.layers[name];
  const t0 = process.cpuUsage();
  for (const d of b.docs) sink += fn(d);
  const t = process.cpuUsage(t0);
  const us = (t.user + t.system) / b.docs.length;
  b.best[name] = Math.min(b.best[name] ?? Infinity, us);
}
for (const name of Object.keys(builds[0].layers)) console.log(name.padEnd(16) + builds.map((b) => `${b.name} ${b.best[name].toFixed(1).padStart(7)}`).join('   ') + (builds.length > 1 ? `   ratio ${(builds[0].best[name] / builds[1].best[name]).toFixed(2)}×` : ''));
const tot = (b) => Object.values(b.best).reduce((s, x) => s + x, 0);
console.log('total'.padEnd(16) + builds.map((b) => `${b.name} ${tot(b).toFixed(1).padStart(7)}`).join('   ') + (builds.length > 1 ? `   ratio ${(tot(builds[0]) / tot(builds[1])).toFixed(2)}×` : ''));
if (sink < 0) console.log(sink);
