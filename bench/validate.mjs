#!/usr/bin/env node
// How fast is `hutong validate` against xmllint, and how much memory does a large package take?
//
//   npx tsc -p tsconfig.build.json && node bench/validate.mjs [--docs 1000] [--rss-docs 10000]
//                                        [--rounds 3] [--workers N] [--schema cda-cn|hl7] [--no-fast]
//
// 1. Throughput. --docs synthetic WS/T 500 documents of mixed types (round robin over the 53
//    templates, distinct seeds) are generated into a temporary folder with the sample generator
//    from dist/. Then, in the same run and over the same files:
//      ours:    validateFiles([dir]) — every layer (pre-flight, XSD against CDA-CN, template
//               rules, terminology, package consistency), worker threads across the cores and
//               the main thread; the line after says how many files the fast accept path
//               decided (--no-fast: none, every file through libxml2 as before it);
//      xmllint: `xmllint --noout --nonet --schema <xsd> files…` in ONE process (Debian's
//               libxml2-utils), XSD only, single-threaded.
//    Printed: documents/s of both and ours/xmllint (target >= 1.0). xmllint does a fraction of
//    our work (one layer); the ratio says whether the full pipeline keeps up with the plain
//    schema check a test engineer would otherwise run. The machine may be shared: the two
//    alternate for --rounds rounds and each keeps its best.
// 2. Memory. --rss-docs documents (0 skips) validated by `validateFiles` in a child process;
//    its peak RSS (process.resourceUsage().maxRSS, which covers the worker threads: they share
//    the process) is printed against the 400 MB target.
// Both runs also check every generated document passed (a bench that validates garbage fast
// would prove nothing). The temporary folder is removed at the end.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return dflt;
  const v = process.argv[i + 1];
  if (v === undefined) throw new Error(`--${name} needs a value`);
  return v;
}

function wholeNumber(name, dflt, min) {
  const v = Number(arg(name, String(dflt)));
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name}: a whole number >= ${min}`);
  return v;
}

/**
 * Write documents number `from` … `from + count - 1` of mixed types into `dir` (template by
 * round robin, seed by number, so document ids stay unique across calls); names carry the
 * test-package prefix.
 */
async function generate(dir, from, count) {
  const { loadCatalog } = await import(dist('catalog/index.js'));
  const { sampleDocument } = await import(dist('samples/document.js'));
  const catalog = loadCatalog();
  const templates = catalog.documents.filter((d) => d.family === 'wst500');
  const files = [];
  const types = new Set();
  let bytes = 0;
  for (let i = from; i < from + count; i++) {
    const t = templates[i % templates.length];
    const xml = sampleDocument(t, catalog, { seed: i + 1 });
    const f = join(dir, `${t.testPrefix}-${t.title}-测试${i + 1}-T01-${String(i + 1).padStart(5, '0')}.xml`);
    writeFileSync(f, xml);
    files.push(f);
    types.add(t.code);
    bytes += Buffer.byteLength(xml);
  }
  return { files, bytes, types: types.size };
}

/** The child of the memory run: validate a folder, print the outcome and the peak RSS as JSON. */
async function child(dir, workers, fastOff) {
  const { validateFiles } = await import(dist('validate/index.js'));
  const t0 = performance.now();
  const stats = { files: 0, fast: 0 };
  const report = await validateFiles([dir], { ...(workers === undefined ? {} : { workers }), ...(fastOff ? { fastPath: false } : {}), stats });
  const ms = performance.now() - t0;
  const failed = report.files.filter((f) => f.verdict !== 'pass').length;
  const down = report.layers.filter((l) => !l.ran).map((l) => l.id);
  process.stdout.write(`${JSON.stringify({ files: report.files.length, failed, down, ms, fast: stats.fast, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

function runChild(dir, workers, fastOff) {
  return new Promise((resolve, reject) => {
    const args = [fileURLToPath(import.meta.url), '--child', dir, ...(workers === undefined ? [] : ['--workers', String(workers)]), ...(fastOff ? ['--no-fast'] : [])];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (c) => (out += c));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`memory child exited ${code}`))));
  });
}

const TIME = '/usr/bin/time';
const haveTime = spawnSync(TIME, ['-f', '%U', 'true']).status === 0;

function xmllint(xsd, files) {
  const t0 = performance.now();
  // xmllint prints "<file> validates" per file on stderr; GNU time appends its CPU seconds there
  const args = ['--noout', '--nonet', '--schema', xsd, ...files];
  const r = haveTime
    ? spawnSync(TIME, ['-f', 'CPU %U %S', 'xmllint', ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 256 * 1024 * 1024 })
    : spawnSync('xmllint', args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  const err = r.stderr.toString();
  const failed = (err.match(/ fails to validate$/gm) ?? []).length;
  const cpu = /^CPU ([\d.]+) ([\d.]+)$/m.exec(err);
  return { ms, status: r.status, failed, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined };
}

const fmt = (x, d = 1) => x.toFixed(d);

async function main() {
  if (process.argv.includes('--child')) {
    const w = arg('workers', undefined);
    await child(arg('child'), w === undefined ? undefined : Number(w), process.argv.includes('--no-fast'));
    return;
  }
  const docs = wholeNumber('docs', 1000, 1);
  const rssDocs = wholeNumber('rss-docs', 10000, 0);
  const workersArg = arg('workers', undefined);
  const workers = workersArg === undefined ? undefined : wholeNumber('workers', 0, 0);
  const rounds = wholeNumber('rounds', 3, 1);
  const schema = arg('schema', 'cda-cn');
  // --no-fast: every file through libxml2 (the fast accept path off), for before/after numbers
  const fastOff = process.argv.includes('--no-fast');
  const xsd = schema === 'hl7'
    ? join(root, '..', 'shared', 'reference', 'hl7-cda-r2', 'infrastructure', 'cda', 'CDA.xsd')
    : join(root, 'schemas', 'xsd', 'cda-cn', 'cda-cn.xsd');
  const haveXmllint = spawnSync('xmllint', ['--version']).status === 0;
  const cores = availableParallelism();

  const dir = mkdtempSync(join(tmpdir(), 'hutong-bench-validate-'));
  try {
    console.log(`hutong validate bench — ${availableParallelism()} cores, node ${process.version}`);
    let t0 = performance.now();
    const g = await generate(dir, 0, docs);
    console.log(`generated ${docs} documents (${g.types} types, ${fmt(g.bytes / 1024 / 1024)} MB) in ${fmt((performance.now() - t0) / 1000)} s → ${dir}`);

    const { validateFiles, defaultWorkers } = await import(dist('validate/index.js'));
    // warm-up outside the measurement: the catalogue load and schema compile happen once per process
    await validateFiles([g.files[0]], { workers: 0, ...(fastOff ? { fastPath: false } : {}) });
    // the machine is shared: ours and xmllint alternate, and each keeps its best round
    let ours;
    let lint;
    for (let r = 0; r < rounds; r++) {
      t0 = performance.now();
      const c0 = process.cpuUsage();
      const stats = { files: 0, fast: 0 };
      const report = await validateFiles([dir], { ...(workers === undefined ? {} : { workers }), ...(fastOff ? { fastPath: false } : {}), stats });
      const ms = performance.now() - t0;
      // process-wide: the worker threads' CPU is in it
      const c = process.cpuUsage(c0);
      // threads that validate: the workers and, with a pool, the main thread
      const threads = (workers ?? defaultWorkers()) + 1;
      if (!ours || ms < ours.ms) ours = { ms, report, stats, cpuMs: (c.user + c.system) / 1000, workers: threads };
      if (haveXmllint) {
        const x = xmllint(xsd, g.files);
        if (!lint || x.ms < lint.ms) lint = x;
      }
    }
    const failed = ours.report.files.filter((f) => f.verdict !== 'pass');
    const down = ours.report.layers.filter((l) => !l.ran).map((l) => l.id);
    const oursRate = docs / (ours.ms / 1000);
    console.log('');
    console.log(`ours     full pipeline (${ours.report.layers.filter((l) => l.ran).map((l) => l.id).join(', ')}), best of ${rounds}`);
    console.log(`         ${docs} docs in ${fmt(ours.ms / 1000, 2)} s = ${fmt(oursRate)} docs/s, CPU ${fmt(ours.cpuMs / docs, 2)} ms/doc; ${failed.length} not passing${down.length ? `; LAYERS DOWN: ${down.join(', ')}` : ''}`);
    for (const f of failed.slice(0, 3)) console.log(`         ! ${f.path}: ${f.findings.filter((x) => x.severity === 'error').map((x) => x.rule).join(', ')}`);
    const xsdEngine = ours.report.layers.find((l) => l.id === 'xsd-documents')?.engine ?? '-';
    console.log(`         fast accept path: ${ours.stats.fast} of ${ours.stats.files} files (the rest through libxml2)${fastOff ? ' — off (--no-fast)' : ''}; xsd-documents engine: ${xsdEngine}`);

    if (lint) {
      const xRate = docs / (lint.ms / 1000);
      console.log(`xmllint  --schema ${schema === 'hl7' ? 'HL7 CDA.xsd' : 'CDA-CN cda-cn.xsd'} (XSD only, one process), best of ${rounds}`);
      console.log(`         ${docs} docs in ${fmt(lint.ms / 1000, 2)} s = ${fmt(xRate)} docs/s${lint.cpuMs !== undefined ? `, CPU ${fmt(lint.cpuMs / docs, 2)} ms/doc` : ''}; exit ${lint.status}, ${lint.failed} fail to validate`);
      const ratio = oursRate / xRate;
      console.log(`ratio    ours/xmllint = ${fmt(ratio, 2)}×  (target >= 1.0: ${ratio >= 1 ? 'met' : 'NOT met'})`);
      // wall time swings with other load on a shared machine; CPU per document does much less
      if (lint.cpuMs !== undefined) console.log(`         CPU per document: xmllint/ours = ${fmt(lint.cpuMs / ours.cpuMs, 3)} (ours on ${cores} cores, no other load, would be ≈ ${fmt((lint.cpuMs / ours.cpuMs) * Math.max(1, Math.min(cores, ours.workers)), 2)}× xmllint)`);
    } else {
      console.log('xmllint  not installed (apt-get install libxml2-utils): no baseline, no ratio');
    }

    if (rssDocs > 0) {
      const more = rssDocs - docs;
      if (more > 0) {
        t0 = performance.now();
        const dir2 = join(dir, 'more');
        mkdirSync(dir2);
        await generate(dir2, docs, more);
        console.log('');
        console.log(`generated ${more} more documents for the memory run in ${fmt((performance.now() - t0) / 1000)} s`);
      }
      const m = await runChild(dir, workers, fastOff);
      const mb = m.maxRssKb / 1024;
      console.log(`memory   ${m.files} docs in a child process: peak RSS ${fmt(mb)} MB (main + workers; target < 400 MB: ${mb < 400 ? 'met' : 'NOT met'}), ${fmt(m.files / (m.ms / 1000))} docs/s, ${m.fast} on the fast path, ${m.failed} not passing${m.down.length ? `; LAYERS DOWN: ${m.down.join(', ')}` : ''}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
