#!/usr/bin/env node
// How fast is the JavaScript XSD validator (src/xsdjs) against libxml2-wasm's XSD validation?
//
//   npx tsc -p tsconfig.build.json && node bench/xsdjs.mjs [--docs 500] [--rounds 5]
//
// --docs synthetic WS/T 500 documents (round robin over the templates, distinct seeds) are
// generated with dist/'s sample generator, then, in the same run and over the same documents:
//   xsdjs:   acceptsTree(CDA-CN, tree, text) on trees built beforehand with scanTree;
//   libxml2: validateXsd(parsed document, CDA-CN) on documents parsed beforehand
//            (the XSD step alone, as the fast path replaces it).
// Printed: µs/document of both, as wall time and as the process's CPU time (on a shared
// machine CPU time is the steadier of the two), best round of each (the two alternate), and
// libxml2/xsdjs (> 1 = the JavaScript validator is faster), plus how many documents each
// accepted (a validator that accepts nothing fast would prove nothing).
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? String(dflt) : process.argv[i + 1];
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: a whole number >= 1`);
  return n;
}

const docs = arg('docs', 500);
const rounds = arg('rounds', 5);

const { loadCatalog } = await import(dist('catalog/index.js'));
const { sampleDocument } = await import(dist('samples/document.js'));
const { scanTree } = await import(dist('xml/jstree.js'));
const { parseXml } = await import(dist('xml/parse.js'));
const { loadSchemaSet, validateXsd, CDA_CN_DIR } = await import(dist('validate/xsd.js'));
const { compileSchemaDir, acceptsTree } = await import(dist('xsdjs/index.js'));

const catalog = loadCatalog();
const templates = catalog.documents.filter((d) => d.family === 'wst500');
const texts = [];
for (let i = 0; i < docs; i++) texts.push(sampleDocument(templates[i % templates.length], catalog, { seed: i + 1 }));
const kb = texts.reduce((a, t) => a + Buffer.byteLength(t), 0) / texts.length / 1024;

let t0 = performance.now();
const schema = compileSchemaDir(CDA_CN_DIR).ClinicalDocument;
const compileMs = performance.now() - t0;
const set = loadSchemaSet(CDA_CN_DIR);
const trees = texts.map((t) => scanTree(t));
const parsed = texts.map((t) => parseXml(t));

let bestJs = Infinity;
let bestLib = Infinity;
let cpuJs = Infinity;
let cpuLib = Infinity;
const cpu = (u) => (u.user + u.system) / docs;
let acceptedJs = 0;
let acceptedLib = 0;
try {
  for (let r = 0; r < rounds; r++) {
    t0 = performance.now();
    let u0 = process.cpuUsage();
    let ok = 0;
    for (let i = 0; i < docs; i++) if (acceptsTree(schema, trees[i], texts[i]).valid) ok++;
    cpuJs = Math.min(cpuJs, cpu(process.cpuUsage(u0)));
    bestJs = Math.min(bestJs, ((performance.now() - t0) * 1000) / docs);
    acceptedJs = ok;
    t0 = performance.now();
    u0 = process.cpuUsage();
    ok = 0;
    for (const d of parsed) if (validateXsd(d, set).length === 0) ok++;
    cpuLib = Math.min(cpuLib, cpu(process.cpuUsage(u0)));
    bestLib = Math.min(bestLib, ((performance.now() - t0) * 1000) / docs);
    acceptedLib = ok;
  }
} finally {
  for (const d of parsed) d.dispose();
}

console.log(`${docs} documents, ${kb.toFixed(1)} KB on average; CDA-CN compiled by xsdjs in ${compileMs.toFixed(0)} ms`);
console.log(`                       wall µs/doc  CPU µs/doc`);
console.log(`xsdjs acceptsTree      ${bestJs.toFixed(0).padStart(11)}  ${cpuJs.toFixed(0).padStart(10)}   (accepted ${acceptedJs}/${docs})`);
console.log(`libxml2 validateXsd    ${bestLib.toFixed(0).padStart(11)}  ${cpuLib.toFixed(0).padStart(10)}   (valid ${acceptedLib}/${docs})`);
console.log(`ratio libxml2/xsdjs    ${(bestLib / bestJs).toFixed(2).padStart(10)}×  ${(cpuLib / cpuJs).toFixed(2).padStart(9)}×`);
