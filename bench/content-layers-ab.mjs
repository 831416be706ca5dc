#!/usr/bin/env node
// Before/after of the content layers: two (or more) builds loaded in ONE process, each with its
// own modules and trees, their rounds alternated so that the load of a shared machine falls on
// both alike. Per layer: the median over rounds of the per-round ratio first/second (the load
// changes between rounds, rarely within one), and the best round's CPU µs per document.
//
//   git archive <commit> src tsconfig.json tsconfig.build.json package.json shared-docs datasets \
//     schemas scenarios | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/ \
//     && (cd /tmp/base && npx tsc -p tsconfig.build.json)
//   npx tsc -p tsconfig.build.json && ROUNDS=10 node bench/content-layers-ab.mjs before=/tmp/base/dist after=dist
//
// (a copy of a dist/ folder works too when node_modules and the data folders are linked next to
// it: the build finds its packages and catalogue from where it lies.)
//
// Before timing, every build's findings are compared on the same documents — the synthetic ones
// the timing uses, plus mutated copies (bad dates and numbers, foreign codes, empty and
// nullFlavored values, wrong id roots, removed elements, one-line documents) that make every
// rule of the layers fire: any difference is printed and the bench exits 1. Same findings,
// string for string, is the contract of a faster build.
//
// A build whose detect() still takes the libxml2 element (before c757b8b) is given one.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const builds = process.argv.slice(2).filter((a) => a.includes('=')).map((a) => { const [name, dir] = a.split('='); return { name, dir: pathToFileURL(resolve(dir)).href }; });
if (builds.length === 0) throw new Error('usage: node bench/content-layers-ab.mjs name=distDir [name=distDir …]');
const N = Number(process.env.DOCS ?? 300);

/** Deterministic mutations of a sample document's text (each keeps it well-formed). */
const MUTATIONS = [
  (s) => s.replace(/value="(\d{4})\d\d(\d\d)/, 'value="$113$2'), // month 13
  (s) => s.replace(/value="(\d{6})\d\d/, 'value="$131'), // day 31 (real or not)
  (s) => s.replace(/(<effectiveTime value=")\d+/, '$1abc'),
  (s) => s.replace(/(<low value="\d{8})\d\d/, '$129'), // hour 29
  (s) => s.replace(/code="[^"]*"/, 'code="ZZ9"'),
  (s) => s.replace(/(<value xsi:type="CD" code=")[^"]*/, '$1999'),
  (s) => s.replace(/displayName="[^"]*"/, 'displayName="别的名字"'),
  (s) => s.replace(/codeSystem="[^"]*"/g, (m, i) => (i % 3 === 0 ? 'codeSystem="1.2.3.4.5"' : m)),
  (s) => s.replace(/xsi:type="CD"/, 'xsi:type="ST"'),
  (s) => s.replace(/xsi:type="PQ"/, 'xsi:type="INT"'),
  (s) => s.replace(/(<value xsi:type="PQ" value=")[^"]*/, '$112.345.6'),
  (s) => s.replace(/unit="[^"]*"/, 'unit="furlong"'),
  (s) => s.replace(/(<value xsi:type="ST">)[^<]*/, '$1'),
  (s) => s.replace(/(<value xsi:type="ST">)[^<]*/, `$1${'长'.repeat(2100)}`),
  (s) => s.replace(/<telecom value="[^"]*"/, '<telecom value=""'),
  (s) => s.replace(/<value xsi:type="CD"/, '<value nullFlavor="NI" xsi:type="CD"'),
  (s) => s.replace(/root="2\.16\.156\.10011\.1\.(\d+)"/, 'root="2.16.156.10011.1.99"'),
  (s) => s.replace(/<id root="2\.16\.156\.10011\.1\.1[12]" extension="[^"]*"\/>/, ''),
  (s) => s.replace(/<birthTime[^>]*\/>/, ''),
  (s) => s.replace(/<title>[^<]*<\/title>/, '<title>别的标题</title>'),
  (s) => s.replace(/<realmCode code="CN"\/>/, '<realmCode code="US"/>'),
  (s) => s.replace(/<templateId root="[^"]*"\/>/, '<templateId root="1.2.3"/>'),
  (s) => s.replace(/(<code code=")([^"]*)(" codeSystem="2\.16\.840\.1\.113883\.6\.1")/, '$1$2$3 codeSystemName="x"').replace(/codeSystem="2\.16\.840\.1\.113883\.6\.1"/, 'codeSystem="9.9"'),
  (s) => s.replace(/<section[\s\S]*?<\/section>/, '<section classCode="DOCSECT" moodCode="EVN"/>'),
  (s) => s.replace(/(<entry\b[\s\S]*?<\/entry>)/, '$1$1'), // an entry twice
  (s) => s.replace(/\n\s*/g, ''), // one line: every element on line 1
  (s) => s.replace(/code="DE\d+\.\d+\.\d+\.\d+"/, 'code="DE99.99.999.99"'),
  (s) => s.replace(/(<value xsi:type="BL" value=")[^"]*/, '$1maybe'),
  (s) => s.replace(/(<value xsi:type="TS" value=")\d+/, '$120231345'),
  (s) => s.replace(/(<patientRole[^>]*>\s*<id root=")[^"]*/, '$12.16.156.10011.1.98'),
  (s) => s.replace(/displayName="[^"]*"/g, (m, i) => (i % 2 === 0 ? 'displayName="另一个名字"' : m)),
  (s) => s.replace(/unit="[^"]*"/g, 'unit="mmHg"'),
  (s) => s.replace(/(<component>\s*<section[\s\S]*?<\/section>\s*<\/component>)/, '$1$1'), // a section twice
  (s) => s.replace(/<templateId root="[^"]*"\/>/g, '').replace(/(<code code=")[^"]*(" codeSystem="2\.16\.156\.10011\.2\.4")/, '$1C9999$2'),
];

function mutate(text, i) {
  let s = text;
  // two or three mutations per document, chosen by its number
  for (let k = 0; k < 2 + (i % 2); k++) s = MUTATIONS[(i * 7 + k * 11) % MUTATIONS.length](s);
  return s;
}

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
  const prepare = (d) => { d.root = J.scanTree(d.text); d.dr = oldDetect ? parseXmlText(d.text).doc.root : d.root; d.detection = detect(d.dr, catalog, d.file); d.ctx = { file: d.file, root: d.root, catalog, detection: d.detection }; d.resolved = runTemplate(d.ctx).resolved; };
  for (const d of docs) prepare(d);
  // what each build finds, on the timed documents and on mutated ones (a few with odd file names)
  const names = ['x.xml', 'EMR-SD-99-没有-T01.xml', 'dir/sub!EHR-PL-1-name-F01.XML', 'EMR-DE-03-数据集.xml'];
  const mutated = docs.map((d, i) => ({ text: mutate(d.text, i), file: i % 10 === 0 ? names[(i / 10) % names.length] : d.file }));
  b.findings = [];
  for (const d of [...docs, ...mutated]) {
    if (!d.root) prepare(d);
    const det = detect(d.dr, catalog, d.file);
    const ctx = { file: d.file, root: d.root, catalog, detection: det };
    const t = runTemplate(ctx);
    b.findings.push(JSON.stringify({ det: det.findings, kind: det.kind, t: t.findings.list, r: t.resolved.map((r) => r.nodes.length), term: runTerminology(ctx, t.resolved).list, sum: summarise(d.root, d.file, det.template?.code) }));
  }
  b.layers = {
    detect: (d) => detect(d.dr, catalog, d.file).findings.length,
    runTemplate: (d) => runTemplate(d.ctx).findings.list.length,
    runTerminology: (d) => runTerminology(d.ctx, d.resolved).list.length,
    summarise: (d) => summarise(d.root, d.file, d.detection.template?.code).visitKeys.length,
  };
  b.docs = docs; b.best = {}; b.rounds = {};
}

let differ = 0;
let fired = 0;
for (let i = 0; i < builds[0].findings.length; i++) {
  fired += (builds[0].findings[i].match(/"rule":/g) ?? []).length;
  for (const b of builds.slice(1)) {
    if (b.findings[i] === builds[0].findings[i]) continue;
    if (differ++ < 3) console.log(`findings differ (document ${i}): ${builds[0].name} ${builds[0].findings[i].slice(0, 400)}\n  ${b.name} ${b.findings[i].slice(0, 400)}`);
  }
}
if (process.env.RULES) { const c = new Map(); for (const f of builds[0].findings) for (const m of f.matchAll(/"rule":"([^"]+)"/g)) c.set(m[1], (c.get(m[1]) ?? 0) + 1); console.log([...c].sort().map(([k, v]) => `${k} ${v}`).join(", ")); }
console.log(`findings: ${builds[0].findings.length} documents (${N} mutated), ${fired} findings in ${builds[0].name}; ${differ === 0 ? 'identical in every build' : `${differ} documents DIFFER`}`);
if (differ > 0) process.exit(1);
if (process.env.ROUNDS === '0') process.exit(0);

let sink = 0;
const ROUNDS = Number(process.env.ROUNDS ?? 8);
const names = Object.keys(builds[0].layers);
for (let r = 0; r < ROUNDS; r++) {
  for (const name of names) {
    // alternate which build goes first, so neither always gets the warmer caches
    const order = r % 2 === 0 ? builds : [...builds].reverse();
    for (const b of order) {
      const fn = b.layers[name];
      const t0 = process.cpuUsage();
      for (const d of b.docs) sink += fn(d);
      const t = process.cpuUsage(t0);
      const us = (t.user + t.system) / b.docs.length;
      b.best[name] = Math.min(b.best[name] ?? Infinity, us);
      (b.rounds[name] ??= []).push(us);
    }
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const ratios = (name) => builds[0].rounds[name].map((x, i) => (name === 'total' ? x : x) / builds[1].rounds[name][i]);
for (const b of builds) b.rounds.total = b.rounds[names[0]].map((_, i) => names.reduce((s, n) => s + b.rounds[n][i], 0));
for (const b of builds) b.best.total = Math.min(...b.rounds.total);
console.log(`${ROUNDS} rounds of ${N} documents, CPU µs per document (best round)${builds.length > 1 ? `, ratio = median of per-round ${builds[0].name}/${builds[1].name}` : ''}:`);
for (const name of [...names, 'total']) {
  console.log(name.padEnd(16) + builds.map((b) => `${b.name} ${b.best[name].toFixed(1).padStart(7)}`).join('   ') + (builds.length > 1 ? `   ratio ${median(ratios(name)).toFixed(2)}×  (rounds ${Math.min(...ratios(name)).toFixed(2)}–${Math.max(...ratios(name)).toFixed(2)})` : ''));
}
if (sink < 0) console.log(sink);
