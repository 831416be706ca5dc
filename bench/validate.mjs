#!/usr/bin/env node
// How fast is `hutong validate` against xmllint, and how much memory does a large package take?
//
//   npx tsc -p tsconfig.build.json && node bench/validate.mjs [--docs 1000] [--rss-docs 10000]
//                                        [--rounds 3] [--workers N] [--schema cda-cn|hl7] [--no-fast]
//
// 0. The corpus. --docs synthetic WS/T 500 documents of mixed types (round robin over the 53
//    templates, distinct seeds) are written into a temporary folder by a CHILD process (this
//    script with --generate) with the sample generator from dist/. Never in the measuring
//    process: a validation process never generates, and generating ≥ 100 documents in it left
//    V8's young generation full of long-lived objects, so that its scavenges kept ≈ 30 % of what
//    validation allocates (2–3 % otherwise) until a full collection — a slower validator than
//    any user runs. This process imports only the validator.
// 1. Throughput (the headline). In this process, over the same files, alternating for --rounds
//    rounds (the machine may be shared; the MEDIAN of the rounds is printed, and the ratio is the
//    median of the per-round ratios):
//      ours:    validateFiles([dir], { workers: N }) — every layer (pre-flight, XSD against
//               CDA-CN, template rules, terminology, package consistency), N worker threads
//               (--workers, default one fewer than the cores) and the main thread; the line
//               after says how many files the fast accept path decided (--no-fast: none, every
//               file through libxml2 as before it);
//      xmllint: `xmllint --noout --nonet --schema <xsd> files…` in ONE process (Debian's
//               libxml2-utils), XSD only, single-threaded, start-up included.
//    Warm-up, outside the measurement and the same for every validating thread: one unmeasured
//    validateFiles over the whole folder with the same options. It loads the catalogue and
//    compiles the schemas on the main thread, and leaves the pool's workers, which validateFiles
//    keeps for POOL_KEEP_MS after a run (src/validate/index.ts), as warm as the main thread: each
//    measured round then finds both threads in the state the previous round left them. (Only
//    warming the main thread, with a fresh cold worker per round, would measure a worker's
//    start-up and JIT warm-up — ≈ 1 s of CPU on this machine — against a main thread whose own
//    start-up was excluded.) xmllint does a fraction of our work (one layer); the ratio says
//    whether the full pipeline keeps up with the plain schema check a test engineer would
//    otherwise run.
// 2. Whole process, for honest context: `node bin/hutong.js validate <dir> --json` (the CLI as
//    the README documents it, output to /dev/null, its default worker count unless --workers)
//    timed as a child process from start to exit — Node start-up, module loading, catalogue,
//    schema compiles and cold JIT included, as a user's one-off run pays them — next to
//    xmllint's whole process (the same xmllint runs as above).
// 3. Memory. --rss-docs documents (0 skips) validated by `validateFiles` in a child process;
//    its peak RSS (process.resourceUsage().maxRSS, which covers the worker threads: they share
//    the process) is printed against the 400 MB target.
// Every run also checks that every generated document passed (a bench that validates garbage
// fast would prove nothing). The temporary folder is removed at the end.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;
const self = fileURLToPath(import.meta.url);

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
 * The generator child: write documents number `from` … `from + count - 1` of mixed types into
 * `dir` (template by round robin, seed by number, so document ids stay unique across calls);
 * names carry the test-package prefix. Prints {bytes, types} as JSON.
 */
async function generateChild(dir, from, count) {
  const { loadCatalog } = await import(dist('catalog/index.js'));
  const { sampleDocument } = await import(dist('samples/document.js'));
  const catalog = loadCatalog();
  const templates = catalog.documents.filter((d) => d.family === 'wst500');
  const types = new Set();
  let bytes = 0;
  for (let i = from; i < from + count; i++) {
    const t = templates[i % templates.length];
    const xml = sampleDocument(t, catalog, { seed: i + 1 });
    writeFileSync(join(dir, `${t.testPrefix}-${t.title}-测试${i + 1}-T01-${String(i + 1).padStart(5, '0')}.xml`), xml);
    types.add(t.code);
    bytes += Buffer.byteLength(xml);
  }
  process.stdout.write(`${JSON.stringify({ bytes, types: types.size })}\n`);
}

/** Run this script as a child with `args`; resolves with the JSON its last stdout line holds. */
function childJson(args, what) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [self, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (c) => (out += c));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`${what} child exited ${code}`))));
  });
}

const generate = (dir, from, count) => childJson(['--generate', dir, String(from), String(count)], 'generator');

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

const runChild = (dir, workers, fastOff) => childJson(['--child', dir, ...(workers === undefined ? [] : ['--workers', String(workers)]), ...(fastOff ? ['--no-fast'] : [])], 'memory');

const TIME = '/usr/bin/time';
const haveTime = spawnSync(TIME, ['-f', '%U', 'true']).status === 0;

/** A command as a whole process: wall time, exit status, stderr, and its CPU when GNU time is there. */
function timed(cmd, args) {
  const t0 = performance.now();
  const r = haveTime
    ? spawnSync(TIME, ['-f', 'CPU %U %S', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 256 * 1024 * 1024 })
    : spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  const err = r.stderr.toString();
  const cpu = [...err.matchAll(/^CPU ([\d.]+) ([\d.]+)$/gm)].pop();
  return { ms, status: r.status, err, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined };
}

function xmllint(xsd, files) {
  // xmllint prints "<file> validates" per file on stderr; GNU time appends its CPU seconds there
  const r = timed('xmllint', ['--noout', '--nonet', '--schema', xsd, ...files]);
  return { ...r, failed: (r.err.match(/ fails to validate$/gm) ?? []).length };
}

/** `hutong validate <dir> --json` as a user runs it, output to /dev/null (stdout ignored). */
function cli(dir, workers, fastOff) {
  // --no-fast has no CLI switch: the whole-process line is the default pipeline
  void fastOff;
  return timed(process.execPath, [join(root, 'bin', 'hutong.js'), 'validate', dir, '--json', ...(workers === undefined ? [] : ['--workers', String(workers)])]);
}

const fmt = (x, d = 1) => x.toFixed(d);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  if (process.argv.includes('--generate')) {
    const i = process.argv.indexOf('--generate');
    await generateChild(process.argv[i + 1], Number(process.argv[i + 2]), Number(process.argv[i + 3]));
    return;
  }
  if (process.argv.includes('--child')) {
    const w = arg('workers', undefined);
    await child(arg('child'), w === undefined ? undefined : Number(w), process.argv.includes('--no-fast'));
    return;
  }
  const docs = wholeNumber('docs', 1000, 1);
  const rssDocs = wholeNumber('rss-docs', 10000, 0);
  const workersArg = arg('workers', undefined);
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
    console.log(`hutong validate bench — ${cores} cores, node ${process.version}`);
    let t0 = performance.now();
    const g = await generate(dir, 0, docs);
    const files = readdirSync(dir).filter((f) => f.endsWith('.xml')).sort().map((f) => join(dir, f));
    console.log(`generated ${docs} documents (${g.types} types, ${fmt(g.bytes / 1024 / 1024)} MB) in ${fmt((performance.now() - t0) / 1000)} s by a child process → ${dir}`);

    const { validateFiles, defaultWorkers, closeKeptPool } = await import(dist('validate/index.js'));
    const workers = workersArg === undefined ? defaultWorkers() : wholeNumber('workers', 0, 0);
    const opts = { workers, ...(fastOff ? { fastPath: false } : {}) };
    // warm-up outside the measurement, the same for the main thread and the kept workers (see the header)
    await validateFiles([dir], opts);
    const ours = [];
    const lint = [];
    const proc = [];
    for (let r = 0; r < rounds; r++) {
      t0 = performance.now();
      const c0 = process.cpuUsage();
      const stats = { files: 0, fast: 0 };
      const report = await validateFiles([dir], { ...opts, stats });
      const ms = performance.now() - t0;
      // process-wide: the worker threads' CPU is in it
      const c = process.cpuUsage(c0);
      ours.push({ ms, report, stats, cpuMs: (c.user + c.system) / 1000 });
      if (haveXmllint) lint.push(xmllint(xsd, files));
      proc.push(cli(dir, workersArg === undefined ? undefined : workers, fastOff));
    }
    await closeKeptPool();
    const last = ours[ours.length - 1];
    const failed = last.report.files.filter((f) => f.verdict !== 'pass');
    const down = last.report.layers.filter((l) => !l.ran).map((l) => l.id);
    const oursMs = median(ours.map((o) => o.ms));
    const oursRate = docs / (oursMs / 1000);
    const oursCpu = median(ours.map((o) => o.cpuMs));
    console.log('');
    console.log(`ours     full pipeline (${last.report.layers.filter((l) => l.ran).map((l) => l.id).join(', ')}), ${workers} worker${workers === 1 ? '' : 's'} + main thread, warm, median of ${rounds}`);
    console.log(`         ${docs} docs in ${fmt(oursMs / 1000, 2)} s = ${fmt(oursRate)} docs/s, CPU ${fmt(oursCpu / docs, 2)} ms/doc; ${failed.length} not passing${down.length ? `; LAYERS DOWN: ${down.join(', ')}` : ''}`);
    for (const f of failed.slice(0, 3)) console.log(`         ! ${f.path}: ${f.findings.filter((x) => x.severity === 'error').map((x) => x.rule).join(', ')}`);
    const xsdEngine = last.report.layers.find((l) => l.id === 'xsd-documents')?.engine ?? '-';
    console.log(`         fast accept path: ${last.stats.fast} of ${last.stats.files} files (the rest through libxml2)${fastOff ? ' — off (--no-fast)' : ''}; xsd-documents engine: ${xsdEngine}`);

    if (lint.length) {
      const x = lint[lint.length - 1];
      const lintMs = median(lint.map((l) => l.ms));
      const xRate = docs / (lintMs / 1000);
      const lintCpu = lint.every((l) => l.cpuMs !== undefined) ? median(lint.map((l) => l.cpuMs)) : undefined;
      console.log(`xmllint  --schema ${schema === 'hl7' ? 'HL7 CDA.xsd' : 'CDA-CN cda-cn.xsd'} (XSD only, one process), median of ${rounds}`);
      console.log(`         ${docs} docs in ${fmt(lintMs / 1000, 2)} s = ${fmt(xRate)} docs/s${lintCpu !== undefined ? `, CPU ${fmt(lintCpu / docs, 2)} ms/doc` : ''}; exit ${x.status}, ${x.failed} fail to validate`);
      const ratio = median(ours.map((o, i) => lint[i].ms / o.ms));
      console.log(`ratio    ours/xmllint = ${fmt(ratio, 2)}×  (median of per-round ratios; target >= 1.0: ${ratio >= 1 ? 'met' : 'NOT met'})`);
      // wall time swings with other load on a shared machine; CPU per document does much less
      if (lintCpu !== undefined) console.log(`         CPU per document: xmllint/ours = ${fmt(lintCpu / oursCpu, 3)} (ours on ${cores} cores, no other load, would be ≈ ${fmt((lintCpu / oursCpu) * Math.max(1, Math.min(cores, workers + 1)), 2)}× xmllint)`);
      const p = proc[proc.length - 1];
      const procMs = median(proc.map((q) => q.ms));
      const procCpu = proc.every((q) => q.cpuMs !== undefined) ? median(proc.map((q) => q.cpuMs)) : undefined;
      console.log(`process  \`hutong validate <dir> --json\`${workersArg === undefined ? '' : ` --workers ${workers}`} as a child process, start-up to exit (what a one-off run costs), median of ${rounds}:`);
      console.log(`         ${fmt(procMs / 1000, 2)} s = ${fmt(docs / (procMs / 1000))} docs/s${procCpu !== undefined ? `, CPU ${fmt(procCpu / 1000, 2)} s` : ''}, exit ${p.status}; xmllint's whole process ${fmt(lintMs / 1000, 2)} s${lintCpu !== undefined ? `, CPU ${fmt(lintCpu / 1000, 2)} s` : ''} → ${fmt(median(proc.map((q, i) => lint[i].ms / q.ms)), 2)}×`);
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
        console.log(`generated ${more} more documents for the memory run in ${fmt((performance.now() - t0) / 1000)} s (child process)`);
      }
      const m = await runChild(dir, workersArg === undefined ? undefined : workers, fastOff);
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
