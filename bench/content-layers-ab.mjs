#!/usr/bin/env node
// Before/after of the content layers: two (or more) builds loaded in ONE process, each with its
// own modules and trees, run document by document in turns so that the load of a shared machine
// falls on both alike; each document's fastest of ROUNDS rounds is its time (see below).
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
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// In one process the build loaded second runs some 5–10 % faster, whatever it is (the same build
// twice shows it). So by default, with two builds, the bench runs twice, once in each load order,
// and prints the geometric mean of the two ratios, which cancels that bias: order AB gives
// t·β, order BA gives β/t, t = √(AB/BA).
const args = process.argv.slice(2).filter((a) => a.includes('='));
if (args.length === 2 && !process.env.AB_CHILD) {
  const run = (order) => {
    const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...order], { env: { ...process.env, AB_CHILD: '1' }, stdio: ['ignore', 'pipe', 'inherit'] }).toString().split('\n');
    for (const l of out) if (l.startsWith('findings') || l.startsWith('HT-')) console.log(`(${order.map((x) => x.split('=')[0]).join(',')}) ${l}`);
    return JSON.parse(out.find((l) => l.startsWith('{')));
  };
  const ab = run(args);
  const ba = run([...args].reverse());
  const [a, b] = args.map((x) => x.split('=')[0]);
  console.log(`${ab.rounds} rounds of ${ab.docs} documents in each load order, µs per document (each document's fastest round, mean of the two orders); ratio ${a}/${b} = √(ratio in order ${a},${b} / ratio in order ${b},${a}):`);
  for (const name of Object.keys(ab.us[a])) {
    const r1 = ab.us[a][name] / ab.us[b][name];
    const r2 = ba.us[b][name] / ba.us[a][name];
    console.log(`${name.padEnd(16)}${a} ${((ab.us[a][name] + ba.us[a][name]) / 2).toFixed(1).padStart(7)}   ${b} ${((ab.us[b][name] + ba.us[b][name]) / 2).toFixed(1).padStart(7)}   ratio ${Math.sqrt(r1 / r2).toFixed(2)}×  (orders: ${r1.toFixed(2)}, ${(1 / r2).toFixed(2)})`);
  }
  process.exit(0);
}

const builds = args.map((a) => { const [name, dir] = a.split('='); return { name, dir: pathToFileURL(resolve(dir)).href }; });
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
  // the layers as validateOne runs them: on a tree just built (in the cache), one after the other
  b.run = (d, ns) => {
    const root = J.scanTree(d.text);
    const dr = oldDetect ? parseXmlText(d.text).doc.root : root;
    let t = process.hrtime.bigint();
    const det = detect(dr, catalog, d.file);
    const ctx = { file: d.file, root, catalog, detection: det };
    let n = det.findings.length;
    const lap = (k) => { const now = process.hrtime.bigint(); ns[k] = Number(now - t); t = now; };
    lap(0);
    const tpl = runTemplate(ctx);
    n += tpl.findings.list.length;
    lap(1);
    n += runTerminology(ctx, tpl.resolved).list.length;
    lap(2);
    n += summarise(root, d.file, det.template?.code).visitKeys.length;
    lap(3);
    return n;
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
// (node --expose-gc) everything made so far compacted before timing
globalThis.gc?.();
const ROUNDS = Number(process.env.ROUNDS ?? 10);
const names = ['detect', 'runTemplate', 'runTerminology', 'summarise'];
// Each document's time is its fastest of the rounds (wall clock, document by document, the
// builds in turns, each on a tree it has just built, as validateOne does: the layers of a
// validation read a tree that is in the cache, not one of hundreds built long before). On a
// machine shared by several engineers most measurements are stretched by a preemption or a
// collection, the fastest of ten rarely is. Per layer: the sum of those fastest times per
// document, and the ratio first/second of the sums. (Allocation, whose cost this leaves out, is
// measured by an allocation profile instead.)
for (const b of builds) b.best = names.map(() => new Float64Array(N).fill(Infinity));
const lapNs = [0, 0, 0, 0];
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < builds.length; k++) {
      // which build goes first alternates
      const b = builds[(i + r) % 2 === 0 ? k : builds.length - 1 - k];
      sink += b.run(b.docs[i], lapNs);
      for (let q = 0; q < names.length; q++) if (lapNs[q] < b.best[q][i]) b.best[q][i] = lapNs[q];
    }
  }
}
const us = (b, name) => (name === 'total' ? names.reduce((s, n) => s + us(b, n), 0) : b.best[names.indexOf(name)].reduce((s, x) => s + x, 0) / N / 1000);
console.log(`${ROUNDS} rounds of ${N} documents, µs per document (each document's fastest round)${builds.length > 1 ? `, ratio ${builds[0].name}/${builds[1].name}` : ''}:`);
for (const name of [...names, 'total']) {
  console.log(name.padEnd(16) + builds.map((b) => `${b.name} ${us(b, name).toFixed(1).padStart(7)}`).join('   ') + (builds.length > 1 ? `   ratio ${(us(builds[0], name) / us(builds[1], name)).toFixed(2)}×` : ''));
}
if (process.env.AB_CHILD) console.log(JSON.stringify({ rounds: ROUNDS, docs: N, us: Object.fromEntries(builds.map((b) => [b.name, Object.fromEntries([...names, 'total'].map((n) => [n, us(b, n)]))])) }));
if (sink < 0) console.log(sink);
