/**
 * src/validate — the offline validator: what a file is (detect.ts) and the layers that judge
 * it (layers/: preflight, xsd, template, terminology, message, package).
 *
 *   validateText(text|bytes, {fileName, expect})  one response, request or document (runner, platform)
 *   validateFiles(paths, opts)                    files, folders, zips (hutong validate)
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { serialize, setFlagsFromString } from 'node:v8';
import type { Catalog, PlanDef } from '../catalog/types.js';
import type { Finding } from '../findings/types.js';
import { DEFAULT_MAX_BYTES } from '../xml/parse.js';
import { loadCatalog } from '../catalog/index.js';
import { catalogFor, judge, manifest, useCatalogLoader, validateOne, type LayerFailures } from './file.js';
import { collectInputs, DEFAULT_ZIP_LIMITS, type InputItem } from './inputs.js';
import { runPackage } from './layers/package.js';
import { fastSchemasCompiled } from './layers/xsd.js';
import { JOBS_IN_FLIGHT, ValidatorPool, workerScript, type PoolJob, type PoolReply, type WorkerStart } from './pool.js';
import { finding } from './rules.js';
import type { DocumentSummary, FileOutcome, FileResult, ValidateOptions, ValidateTextOptions, ValidationReport } from './types.js';

useCatalogLoader(loadCatalog);

export type * from './types.js';
export { detect, parseTestName, type Detection, type TestName } from './detect.js';
export { RULES, ruleById, finding, type RuleDef } from './rules.js';

/**
 * Validate one message or document held in memory: every layer that applies, no package
 * checks. `expect` carries what the caller knows (service, request id, expected ack, whether
 * the query key exists). Synchronous; never throws for bad input.
 */
export function validateText(input: string | Uint8Array, opts: ValidateTextOptions = {}): FileResult {
  return validateOne(input, opts).result;
}

/** validateText plus the layer manifest (the runner records which engines and data judged). */
export function validateTextWithManifest(input: string | Uint8Array, opts: ValidateTextOptions = {}): ValidationReport {
  const failures: LayerFailures = new Map();
  const outcome = validateOne(input, opts, failures);
  return { files: [outcome.result], layers: manifest(opts, failures, fastLayers([outcome])) };
}

/** Below this many files the run stays in-process: starting workers costs more than it saves. */
export const POOL_THRESHOLD = 48;

/**
 * With a single worker beside the main thread (a two-core machine) a fresh worker pays for its
 * start only on long runs: ≈ 0.2 s of module loading, a cold JIT, and 0.5–0.7 s of V8 background
 * compiles of its hot functions (optimised code is per isolate) — ≈ 1 s of CPU in all. Re-measured
 * in session 13, `hutong validate` as a whole process, alternated: 1,000 documents in-process
 * 2.8–3.7 s CPU, with a fresh worker 4.0–5.6 s; 2,000 documents 3.5–5.1 s against 5.6–6.6 s. So
 * there the first files are validated in-process as they come, and the worker starts only once
 * the run reaches this many files — unless a warm pool was kept from an earlier run (POOL_KEEP_MS).
 */
export const LATE_POOL_THRESHOLD = 2000;

function poolThreshold(workers: number): number {
  return workers > 1 ? POOL_THRESHOLD : LATE_POOL_THRESHOLD;
}

/**
 * With a pool, the main thread validates files too (while it would otherwise wait), so the
 * default is one worker fewer than the cores (at least one, at most 7). Files larger than
 * MAIN_THREAD_MAX_BYTES always go to a worker: the worker's time limit and bounded heap are the
 * fence for a hostile large file.
 */
export function defaultWorkers(): number {
  return Math.min(Math.max(1, availableParallelism() - 1), 7);
}

export const MAIN_THREAD_MAX_BYTES = 1024 * 1024;

/**
 * How long a pool outlives the run that started it, idle, for the next validateFiles call in the
 * same process (a script validating several folders, the bench's rounds): the next run skips the
 * workers' start-up and JIT warm-up — about 1 s of CPU per worker on the 2-core machine, more
 * than one worker saves on 1,000 documents — and is pooled from its 48th file on. The workers
 * and this timer are unref'd: a kept pool never keeps the process alive.
 */
export const POOL_KEEP_MS = 10_000;

interface KeptPool {
  pool: ValidatorPool;
  key: string;
  timer: NodeJS.Timeout;
}
let kept: KeptPool | undefined;

/** What must match for a kept pool to serve a run: its workers were started for these. */
function poolKey(script: string, workers: number, opts: ValidateOptions): string {
  return JSON.stringify([script, workers, opts.schemas ?? null, 'error' in catalogFor(opts)]);
}

/** The kept pool when it was started for `key` (taken: a concurrent run starts its own); any other kept pool is closed. */
function takeKept(key: string): ValidatorPool | undefined {
  const k = kept;
  if (!k) return undefined;
  kept = undefined;
  clearTimeout(k.timer);
  if (k.key === key && k.pool.idle) return k.pool;
  void k.pool.close();
  return undefined;
}

/** Keep an idle pool for POOL_KEEP_MS (one at a time; a second is closed). */
function keepPool(pool: ValidatorPool, key: string): void {
  if (kept || !pool.idle) {
    void pool.close();
    return;
  }
  const timer = setTimeout(() => {
    if (kept?.pool === pool) kept = undefined;
    void pool.close();
  }, POOL_KEEP_MS);
  timer.unref();
  kept = { pool, key, timer };
}

/** The thread ids of the workers kept from an earlier run for the next one (none: empty). */
export function keptWorkers(): number[] {
  return kept?.pool.threadIds ?? [];
}

/** Stop the workers kept from an earlier run now, instead of after POOL_KEEP_MS idle. */
export async function closeKeptPool(): Promise<void> {
  const k = kept;
  kept = undefined;
  if (!k) return;
  clearTimeout(k.timer);
  await k.pool.close();
}

/** Jobs queued beyond those in the workers' hands before the input is read further. */
const BACKLOG = 4;

function internalError(path: string, reason: string): FileOutcome {
  const findings = [finding('HT-PRE-INTERNAL', { reason }, { file: path })];
  return { result: { path, kind: 'unreadable', verdict: judge(findings), findings } };
}

function tooLarge(path: string, size: number, limit: number): FileOutcome {
  const findings = [finding('HT-PRE-TOO-LARGE', { size, limit }, { file: path })];
  return { result: { path, kind: 'unreadable', verdict: judge(findings), findings } };
}

/** The XSD layers the fast path's validator decided files of (the manifest names both engines for them). */
function fastLayers(outcomes: Iterable<FileOutcome | undefined>): Set<string> {
  const out = new Set<string>();
  for (const o of outcomes) if (o?.fast?.xsd) out.add(o.fast.xsd);
  return out;
}

/** A pool job validated on the main thread (taken back from the queue). */
function validateHere(job: PoolJob, opts: ValidateOptions, failures: LayerFailures): PoolReply {
  const item: Extract<InputItem, { kind: 'file' | 'bytes' }> = job.bytes
    ? { kind: 'bytes', path: job.path, bytes: job.bytes }
    : { kind: 'file', path: job.path, abs: job.abs!, size: job.size };
  try {
    return { id: job.id, outcome: readAndValidate(item, opts, failures), failures: [] };
  } catch (err) {
    return { id: job.id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err), failures: [] };
  }
}

function readAndValidate(item: Extract<InputItem, { kind: 'file' | 'bytes' }>, opts: ValidateOptions, failures: LayerFailures): FileOutcome {
  let input: Uint8Array;
  if (item.kind === 'bytes') input = item.bytes;
  else {
    try {
      input = readFileSync(item.abs);
    } catch (err) {
      const findings = [finding('HT-PRE-UNREADABLE', { reason: err instanceof Error ? err.message : String(err) }, { file: item.path })];
      return { result: { path: item.path, kind: 'unreadable', verdict: judge(findings), findings } };
    }
  }
  const o: ValidateTextOptions = { fileName: item.path };
  if (opts.catalog) o.catalog = opts.catalog;
  if (opts.schemas !== undefined) o.schemas = opts.schemas;
  if (opts.maxBytes !== undefined) o.maxBytes = opts.maxBytes;
  if (opts.maxDepth !== undefined) o.maxDepth = opts.maxDepth;
  if (opts.fastPath !== undefined) o.fastPath = opts.fastPath;
  // a copy: the outcome's strings (summary values, finding texts) are often slices of the
  // file's text, and V8 keeps a sliced string's whole parent alive — kept for the package layer
  // until the end of the run, 10,000 documents would hold every text (≈ 35 KB each). What
  // workers send back is copied by postMessage anyway.
  return structuredClone(validateOne(input, o, failures));
}

/**
 * Validate files, folders (recursively, *.xml and *.zip) and zip packages. One bad file never
 * stops the run; documents are then checked across files (package layer) and, with a plan,
 * against the plan's required documents and services.
 */
export async function validateFiles(paths: string[], opts: ValidateOptions = {}): Promise<ValidationReport> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const limits = { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: maxBytes };
  const failures: LayerFailures = new Map();
  const outcomes: FileOutcome[] = [];
  const packageFindings: { path: string; findings: Finding[] }[] = [];

  // a caller's own catalogue object cannot cross into workers: such runs stay in-process
  const script = opts.catalog ? undefined : workerScript();
  const wanted = opts.workers ?? defaultWorkers();
  const key = script && wanted > 0 ? poolKey(script, wanted, opts) : undefined;
  // an explicit worker count starts the pool at once; by default only large inputs get one, and
  // on two cores only very large ones — unless an earlier run left its (warm) workers
  const warm = key !== undefined && kept?.key === key;
  const threshold = opts.workers !== undefined ? 0 : warm ? POOL_THRESHOLD : poolThreshold(wanted);
  let pool: ValidatorPool | undefined;
  let finished = false;
  const buffered: { index: number; item: Extract<InputItem, { kind: 'file' | 'bytes' }> }[] = [];
  const pending: Promise<void>[] = [];
  const waiters: (() => void)[] = [];

  const dispatch = (index: number, item: Extract<InputItem, { kind: 'file' | 'bytes' }>) => {
    if (item.kind === 'file' && item.size > maxBytes) {
      outcomes[index] = tooLarge(item.path, item.size, maxBytes);
      return;
    }
    if (!pool) {
      outcomes[index] = readAndValidate(item, opts, failures);
      return;
    }
    const job: PoolJob = item.kind === 'file'
      ? { id: index, path: item.path, abs: item.abs, size: item.size, opts: jobOpts(opts) }
      : { id: index, path: item.path, bytes: item.bytes, size: item.bytes.byteLength, opts: jobOpts(opts) };
    pending.push(pool.run(job).then((reply: PoolReply) => {
      for (const [k, v] of reply.failures) if (!failures.has(k)) failures.set(k, v);
      outcomes[index] = 'outcome' in reply ? reply.outcome : internalError(item.path, reply.error);
      waiters.shift()?.();
    }));
  };

  // the main thread validates waiting jobs itself instead of only waiting for the workers (it
  // is warm: catalogue loaded, schemas compiled), then lets the workers' answers in
  const helpOnce = async (): Promise<boolean> => {
    const e = pool?.steal((j) => j.size <= MAIN_THREAD_MAX_BYTES);
    if (!e) return false;
    e.resolve(validateHere(e.job, opts, failures));
    await new Promise<void>((r) => setImmediate(r));
    return true;
  };

  try {
    let index = 0;
    for await (const item of collectInputs(paths, limits)) {
      if (item.kind === 'package') {
        packageFindings.push({ path: item.path, findings: item.findings });
        continue;
      }
      const i = index++;
      if (item.kind === 'problem') {
        outcomes[i] = { result: { path: item.path, kind: 'unreadable', verdict: judge(item.findings), findings: item.findings } };
        continue;
      }
      if (!pool && script && wanted > 0 && threshold > POOL_THRESHOLD && i + 1 < threshold) {
        // decided late (see LATE_POOL_THRESHOLD): validated here while the run is short
        if (i + 1 === POOL_THRESHOLD) gentlerHeapGrowth();
        dispatch(i, item);
        continue;
      }
      if (!pool && script && wanted > 0) {
        buffered.push({ index: i, item });
        // late mode buffers nothing: the files before this one were validated here already
        if ((threshold > POOL_THRESHOLD ? i + 1 : buffered.length) >= threshold) {
          gentlerHeapGrowth();
          pool = takeKept(key!) ?? new ValidatorPool(script, wanted, undefined, workerStart(opts));
          for (const b of buffered.splice(0)) dispatch(b.index, b.item);
        }
        continue;
      }
      dispatch(i, item);
      // backpressure: zip entries are read only as fast as the files are validated
      while (pool && pool.pending > pool.size * JOBS_IN_FLIGHT + BACKLOG) {
        if (!(await helpOnce())) await new Promise<void>((r) => waiters.push(r));
      }
    }
    for (const b of buffered.splice(0)) dispatch(b.index, b.item);
    while (await helpOnce());
    await Promise.all(pending);
    finished = true;
  } finally {
    if (pool && finished) keepPool(pool, key!);
    else await pool?.close();
  }

  if (opts.stats) {
    opts.stats.files = 0;
    opts.stats.fast = 0;
    for (const o of outcomes) {
      opts.stats.files++;
      if (o.fast) opts.stats.fast++;
    }
  }
  const files: FileResult[] = outcomes.map((o) => o.result);
  const summaries = outcomes.map((o) => o.summary).filter((s): s is DocumentSummary => s !== undefined);
  try {
    const cross = runPackage(summaries);
    for (const r of files) {
      const more = cross.get(r.path);
      if (more) {
        r.findings.push(...more);
        r.verdict = judge(r.findings);
      }
    }
  } catch (err) {
    failures.set('package', err instanceof Error ? err.message : String(err));
  }

  for (const p of packageFindings) files.push({ path: p.path, kind: 'package', verdict: judge(p.findings), findings: p.findings });
  if (opts.plan !== undefined) {
    const cov = planCoverage(opts, files, paths.join(', '));
    if (cov) files.push(cov);
  }
  return { files, layers: manifest(opts, failures, fastLayers(outcomes)) };
}

let heapTuned = false;

/**
 * Large runs: V8 lets a heap grow to several times its live data between full collections, and
 * here nearly everything a file allocates (text, tree, findings) dies with the file, so each
 * validating thread sat on 100–200 MB of garbage. The flag is V8's, process-wide, read at each
 * full collection; heap limits are unchanged, and a value given on the command line is kept.
 * Re-measured after the leak fix (2171613), 10,000 documents in a child process, alternated,
 * medians: V8's default 13.4 s CPU / 370 MB peak RSS; 30 % 16.5 s / 250 MB (a full collection
 * every ~100 documents); 80 % 14.1 s / 272 MB — most of the memory saving for a fifth of the
 * time 30 % cost.
 */
function gentlerHeapGrowth(): void {
  if (heapTuned) return;
  heapTuned = true;
  const given = [...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].some((a) => a.includes('--heap-growing-percent'));
  if (!given) setFlagsFromString('--heap-growing-percent=80');
}

/** The catalogue snapshot and schema choice the workers start with (no snapshot when the catalogue failed: each worker then says why itself). */
function workerStart(opts: ValidateOptions): WorkerStart {
  const start: WorkerStart = {};
  const cat = catalogFor(opts);
  if (!('error' in cat)) start.catalog = catalogSnapshot(cat.catalog);
  if (opts.schemas !== undefined) start.schemas = opts.schemas;
  // what this thread already compiled for the fast path (a worker compiles the rest itself)
  if (opts.fastPath !== false && opts.schemas === undefined) {
    const fast = fastSchemasCompiled();
    if (fast) start.fast = fast;
  }
  return start;
}

const snapshots = new WeakMap<Catalog, Uint8Array>();

function catalogSnapshot(catalog: Catalog): Uint8Array {
  let s = snapshots.get(catalog);
  if (!s) {
    s = serialize(catalog);
    snapshots.set(catalog, s);
  }
  return s;
}

function jobOpts(opts: ValidateOptions): PoolJob['opts'] {
  const o: PoolJob['opts'] = {};
  if (opts.schemas !== undefined) o.schemas = opts.schemas;
  if (opts.maxBytes !== undefined) o.maxBytes = opts.maxBytes;
  if (opts.maxDepth !== undefined) o.maxDepth = opts.maxDepth;
  if (opts.fastPath !== undefined) o.fastPath = opts.fastPath;
  return o;
}

/** A plan by id (hospital-5a …), from the catalogue. Undefined when there is none. */
export function findPlan(catalog: Catalog, name: string): PlanDef | undefined {
  return catalog.plans.find((p) => p.id === name);
}

/** The package against the plan: required document types and services with no file. */
function planCoverage(opts: ValidateOptions, files: FileResult[], where: string): FileResult | undefined {
  const cat = catalogFor(opts);
  if ('error' in cat || opts.plan === undefined) return undefined;
  const plan = findPlan(cat.catalog, opts.plan);
  if (!plan) return undefined;
  const docs = new Set(files.map((f) => f.documentType).filter((x): x is string => x !== undefined));
  const services = new Set(files.map((f) => f.service).filter((x): x is string => x !== undefined));
  const missingDocs = plan.documents.filter((d) => !docs.has(d));
  const missingServices = plan.services.filter((s) => !services.has(s));
  const findings: Finding[] = [];
  const clause = `${plan.title}（${plan.id}）`;
  const list = (xs: string[]) => (xs.length > 12 ? `${xs.slice(0, 12).join(', ')} …（共 ${xs.length} 个）` : xs.join(', '));
  if (missingDocs.length) findings.push(finding('HT-PKG-PLAN-MISSING', { plan: clause, what: '共享文档', items: list(missingDocs) }, { file: where }));
  if (missingServices.length) findings.push(finding('HT-PKG-PLAN-MISSING', { plan: clause, what: '交互服务', items: list(missingServices) }, { file: where }));
  return { path: `${where} (plan ${plan.id})`, kind: 'package', verdict: judge(findings), findings };
}
