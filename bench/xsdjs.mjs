#!/usr/bin/env node
// How fast is the JavaScript XSD validator (src/xsdjs) against libxml2-wasm's XSD validation,
// and against another build of itself?
//
//   npx tsc -p tsconfig.build.json && node bench/xsdjs.mjs [--docs 500] [--rounds 5]
//       [--files DIR] [--dist DIR] [--base DIR]
//
// Documents: --docs synthetic WS/T 500 documents (round robin over the templates, distinct
// seeds) generated with the build's sample generator, or the first --docs .xml files of
// --files DIR (no generation in the process: generating hundreds of documents first changes
// how V8's scavenges behave afterwards). Trees are built beforehand with the build's scanTree.
//
// Default mode, over the same documents in the same run:
//   xsdjs:   acceptsTree(CDA-CN, tree, text);
//   libxml2: validateXsd(parsed document, CDA-CN) on documents parsed beforehand
//            (the XSD step alone, as the fast path replaces it).
// Printed: µs/document of both, wall and CPU time, best round of each (they alternate), and
// libxml2/xsdjs (> 1 = the JavaScript validator is faster), plus how many documents each
// accepted (a validator that accepts nothing fast would prove nothing).
//
// --base DIR (A/B): acceptsTree of the build DIR (e.g. /work/base-dist) against the build
// under test (--dist, default dist/), same trees (built by DIR's scanner), rounds alternating A B B A …; printed the
// median and range of the per-round ratios base/new (> 1 = the new build is faster) and
// whether both builds gave the same decision (valid, or the same reason) on every document.
// Run it with `node --single-threaded` so that CPU time is the main thread's alone (no
// concurrent compiler or GC threads), the steadiest measure on a shared machine.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    docs: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '5' },
    files: { type: 'string' },
    dist: { type: 'string' },
    base: { type: 'string' },
  },
});
const whole = (name, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: a whole number >= 1`);
  return n;
};
const docs = whole('docs', opt.docs);
const rounds = whole('rounds', opt.rounds);
const buildUrl = (dir) => new URL(dir ? `file://${dir.replace(/\/?$/, '/')}` : '../dist/', import.meta.url);
const build = buildUrl(opt.dist);
const load = (p, b = build) => import(new URL(p, b).href);

const { scanTree } = await load('xml/jstree.js');
const { CDA_CN_DIR } = await load('validate/xsd.js');
const { compileSchemaDir, acceptsTree } = await load('xsdjs/index.js');

let texts;
if (opt.files) {
  const names = readdirSync(opt.files).filter((f) => f.endsWith('.xml')).sort().slice(0, docs);
  texts = names.map((f) => readFileSync(join(opt.files, f), 'utf8'));
} else {
  const { loadCatalog } = await load('catalog/index.js');
  const { sampleDocument } = await load('samples/document.js');
  const catalog = loadCatalog();
  const templates = catalog.documents.filter((d) => d.family === 'wst500');
  texts = [];
  for (let i = 0; i < docs; i++) texts.push(sampleDocument(templates[i % templates.length], catalog, { seed: i + 1 }));
}
const n = texts.length;
const kb = texts.reduce((a, t) => a + Buffer.byteLength(t), 0) / n / 1024;

let t0 = performance.now();
const schema = compileSchemaDir(CDA_CN_DIR).ClinicalDocument;
const compileMs = performance.now() - t0;
const trees = texts.map((t) => scanTree(t));
const cpu = (u) => (u.user + u.system) / n;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (opt.base) {
  // trees from the base build's scanner: a newer validator reads older trees, an older one may
  // not read newer trees (JElement's private text storage changed in 113fa49)
  const baseScan = (await load('xml/jstree.js', buildUrl(opt.base))).scanTree;
  for (let i = 0; i < n; i++) trees[i] = baseScan(texts[i]);
  const base = await load('xsdjs/index.js', buildUrl(opt.base));
  const baseSchema = base.compileSchemaDir(CDA_CN_DIR).ClinicalDocument;
  const key = (a) => (a.valid ? 'valid' : `${a.reason} @ ${a.xpath ?? ''}`);
  let differ = 0;
  let accepted = 0;
  for (let i = 0; i < n; i++) {
    const a = key(base.acceptsTree(baseSchema, trees[i], texts[i]));
    const b = key(acceptsTree(schema, trees[i], texts[i]));
    if (a !== b) {
      if (differ++ < 5) console.log(`DIFFERENT decision on document ${i}: base ${a} / new ${b}`);
    }
    if (b === 'valid') accepted++;
  }
  const runs = {
    base: () => { let ok = 0; for (let i = 0; i < n; i++) if (base.acceptsTree(baseSchema, trees[i], texts[i]).valid) ok++; return ok; },
    new: () => { let ok = 0; for (let i = 0; i < n; i++) if (acceptsTree(schema, trees[i], texts[i]).valid) ok++; return ok; },
  };
  const wall = { base: [], new: [] };
  const cpus = { base: [], new: [] };
  // slices of 20 documents (a few ms), each run by both builds back to back in alternating
  // order: a load change on the shared machine seldom falls between the two halves of a pair
  const slices = [];
  for (let i = 0; i < n; i += 20) slices.push([i, Math.min(n, i + 20)]);
  const sliceRuns = {
    base: (a, b) => { for (let i = a; i < b; i++) base.acceptsTree(baseSchema, trees[i], texts[i]); },
    new: (a, b) => { for (let i = a; i < b; i++) acceptsTree(schema, trees[i], texts[i]); },
  };
  const sliceRatios = [];
  const sliceCpuRatios = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['base', 'new'] : ['new', 'base'];
    for (const k of order) {
      const w0 = performance.now();
      const u0 = process.cpuUsage();
      runs[k]();
      cpus[k].push(cpu(process.cpuUsage(u0)));
      wall[k].push(((performance.now() - w0) * 1000) / n);
    }
    slices.forEach(([a, b], j) => {
      const t = {};
      const c = {};
      for (const k of (r + j) % 2 === 0 ? ['base', 'new'] : ['new', 'base']) {
        const u0 = process.cpuUsage();
        const w0 = performance.now();
        sliceRuns[k](a, b);
        t[k] = performance.now() - w0;
        const u = process.cpuUsage(u0);
        c[k] = u.user + u.system;
      }
      sliceRatios.push(t.base / t.new);
      if (c.new > 0) sliceCpuRatios.push(c.base / c.new);
    });
  }
  // as in the pipeline: each document scanned just before it is validated (tree and text warm
  // in the caches), then both builds on it in alternating order; per-document time ratios
  const warmRatios = [];
  const warm = { base: 0, new: 0 };
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < n; i++) {
      const tree = baseScan(texts[i]);
      const t = {};
      for (const k of (r + i) % 2 === 0 ? ['base', 'new'] : ['new', 'base']) {
        const w0 = performance.now();
        if (k === 'base') base.acceptsTree(baseSchema, tree, texts[i]);
        else acceptsTree(schema, tree, texts[i]);
        t[k] = performance.now() - w0;
      }
      warm.base += t.base;
      warm.new += t.new;
      warmRatios.push(t.base / t.new);
    }
  }
  const ratios = wall.base.map((b, i) => b / wall.new[i]);
  const cpuRatios = cpus.base.map((b, i) => b / cpus.new[i]);
  const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];
  console.log(`${n} documents, ${kb.toFixed(1)} KB on average, ${rounds} rounds alternating; accepted ${accepted}/${n}; decisions differ on ${differ}`);
  console.log(`                 median wall µs/doc  median CPU µs/doc`);
  console.log(`base ${opt.base.padEnd(12).slice(0, 12)} ${median(wall.base).toFixed(1).padStart(18)}  ${median(cpus.base).toFixed(1).padStart(17)}`);
  console.log(`new ${(opt.dist ?? 'dist/').padEnd(13).slice(0, 13)} ${median(wall.new).toFixed(1).padStart(18)}  ${median(cpus.new).toFixed(1).padStart(17)}`);
  console.log(`base/new per round: wall median ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}), CPU median ${median(cpuRatios).toFixed(2)}×`);
  console.log(`base/new per 20-document slice pair (${sliceRatios.length}): median ${median(sliceRatios).toFixed(3)}× (quartiles ${q(sliceRatios, 0.25).toFixed(2)}–${q(sliceRatios, 0.75).toFixed(2)}); CPU median ${median(sliceCpuRatios).toFixed(3)}× (quartiles ${q(sliceCpuRatios, 0.25).toFixed(2)}–${q(sliceCpuRatios, 0.75).toFixed(2)})`);
  console.log(`warm (each document just scanned): base ${((warm.base * 1000) / (n * rounds)).toFixed(1)} µs/doc, new ${((warm.new * 1000) / (n * rounds)).toFixed(1)} µs/doc; per-document ratio median ${median(warmRatios).toFixed(3)}× (quartiles ${q(warmRatios, 0.25).toFixed(2)}–${q(warmRatios, 0.75).toFixed(2)})`);
  process.exit(differ === 0 ? 0 : 1);
}

const { parseXml } = await load('xml/parse.js');
const { loadSchemaSet, validateXsd } = await load('validate/xsd.js');
const set = loadSchemaSet(CDA_CN_DIR);
const parsed = texts.map((t) => parseXml(t));
let bestJs = Infinity;
let bestLib = Infinity;
let cpuJs = Infinity;
let cpuLib = Infinity;
let acceptedJs = 0;
let acceptedLib = 0;
try {
  for (let r = 0; r < rounds; r++) {
    t0 = performance.now();
    let u0 = process.cpuUsage();
    let ok = 0;
    for (let i = 0; i < n; i++) if (acceptsTree(schema, trees[i], texts[i]).valid) ok++;
    cpuJs = Math.min(cpuJs, cpu(process.cpuUsage(u0)));
    bestJs = Math.min(bestJs, ((performance.now() - t0) * 1000) / n);
    acceptedJs = ok;
    t0 = performance.now();
    u0 = process.cpuUsage();
    ok = 0;
    for (const d of parsed) if (validateXsd(d, set).length === 0) ok++;
    cpuLib = Math.min(cpuLib, cpu(process.cpuUsage(u0)));
    bestLib = Math.min(bestLib, ((performance.now() - t0) * 1000) / n);
    acceptedLib = ok;
  }
} finally {
  for (const d of parsed) d.dispose();
}

console.log(`${n} documents, ${kb.toFixed(1)} KB on average; CDA-CN compiled by xsdjs in ${compileMs.toFixed(0)} ms`);
console.log(`                       wall µs/doc  CPU µs/doc`);
console.log(`xsdjs acceptsTree      ${bestJs.toFixed(0).padStart(11)}  ${cpuJs.toFixed(0).padStart(10)}   (accepted ${acceptedJs}/${n})`);
console.log(`libxml2 validateXsd    ${bestLib.toFixed(0).padStart(11)}  ${cpuLib.toFixed(0).padStart(10)}   (valid ${acceptedLib}/${n})`);
console.log(`ratio libxml2/xsdjs    ${(bestLib / bestJs).toFixed(2).padStart(10)}×  ${(cpuLib / cpuJs).toFixed(2).padStart(9)}×`);
