/**
 * 运行性能: run a plan's performance profile against a platform and record every stage.
 *
 *   setup    for every queried entity, register `poolSize` records (not measured), so that
 *            queries and retrieves ask for keys that exist;
 *   stages   one after the other, each on the generator (runStage): requests built per request
 *            (requests.ts), every answer checked (check.ts), one in validateEvery validated;
 *   record   PerformanceRecord per stage: thresholds with pass/fail and `assumed`, latency
 *            percentiles, errors by class, per-second series, generator health, HDR histogram.
 *
 * A stage whose generator could not be trusted (self-check) is `invalid`, never `pass`.
 * mode 'short' caps every stage by the profile's `short` section (the demo: a few seconds).
 */
import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { PROJECT_ROOT } from '../version.js';
import type { Catalog, PerformanceProfile, PerformanceStage, PlanDef } from '../catalog/types.js';
import type { PerformanceRecord, ThresholdResult } from '../run/record.js';
import { readMessage } from '../samples/message.js';
import { sampleEntityValues } from '../samples/message-values.js';
import { buildRequest } from '../samples/message.js';
import type { Binding } from '../transport/binding.js';
import { createTransport, type AuthOptions, type TlsOptions } from '../transport/client.js';
import { ResponseCheck, type CheckStats } from './check.js';
import { runStage } from './index.js';
import { DEFAULT_SELFCHECK_RULES } from './selfcheck.js';
import { PerfConfigError, RequestBuilder, creationTime, serviceLoad, type ServiceLoad } from './requests.js';
import { evaluate, parseThreshold, ThresholdSyntaxError } from './thresholds.js';
import type { Stage, StageResult } from './types.js';

export { PerfConfigError } from './requests.js';

export const DEFAULT_POOL_SIZE = 50;
export const DEFAULT_VALIDATE_EVERY = 100;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_SHORT: Required<NonNullable<PerformanceProfile['short']>> = {
  warmupSeconds: 0.5,
  durationSeconds: 2,
  maxUsers: 4,
  maxRate: 20,
  maxThinkTimeMs: 50,
  poolSize: 8,
};
const SETUP_CONCURRENCY = 4;

/** What both running a profile and exporting it (k6) start from: a plan's load against one endpoint. */
export interface ProfileTarget {
  plan: PlanDef;
  catalog: Catalog;
  binding: Binding;
  /** endpoint URL: http://host:port/path */
  target: string;
  mode?: 'plan' | 'short';
  /** replaces plan.performance (hutong perf --profile FILE) */
  profile?: PerformanceProfile;
}

export interface RunProfileOptions extends ProfileTarget {
  tls?: TlsOptions;
  auth?: AuthOptions;
  signal?: AbortSignal;
  progress?: (line: string) => void;
  /** test only: starve the generator, to prove the self-check (hutong perf --burn-cpu-ms) */
  burnCpuMs?: number;
  /**
   * run folder: the first answer of each error class of a stage is written to
   * evidence/perf/<stage>/<class>.txt and listed in the stage's `evidence`
   */
  evidenceDir?: string;
  /** called when a stage finishes, with the engine's raw result */
  onStage?: (stage: StageResult, record: PerformanceRecord) => void;
}

/** A plan stage as it will run: engine stage plus what the record needs. */
export interface ResolvedStage {
  def: PerformanceStage;
  stage: Stage;
  /** thresholds as they will be judged; scaledFrom when mode short rescaled an rps bound */
  thresholds: { expr: string; scaledFrom?: string }[];
}

/**
 * mode short, either model: warm-up and duration capped by the profile's `short` section, the
 * load (users or rate) by `maxLoad`; `factor` is how much the load shrank (rps bounds scale by it).
 */
function shorten(
  warmupS: number,
  durationS: number,
  load: number,
  maxLoad: number,
  short: { warmupSeconds: number; durationSeconds: number },
): { warmupS: number; durationS: number; load: number; factor: number } {
  const capped = Math.min(load, maxLoad);
  return {
    warmupS: Math.min(warmupS, short.warmupSeconds),
    durationS: Math.min(durationS, short.durationSeconds),
    load: capped,
    factor: capped / load,
  };
}

function fmt(x: number): string {
  return String(Math.round(x * 10) / 10);
}

/** The profile's stages for a mode, checked (thresholds parse, model fields present). Throws PerfConfigError. */
export function resolveStages(profile: PerformanceProfile, mode: 'plan' | 'short' = 'plan'): ResolvedStage[] {
  const short = { ...DEFAULT_SHORT, ...profile.short };
  const names = new Set<string>();
  return profile.stages.map((def) => {
    const where = `performance stage ${JSON.stringify(def.name)}`;
    if (names.has(def.name)) throw new PerfConfigError(`${where}: duplicate stage name`);
    names.add(def.name);
    let warmupS = def.warmupSeconds;
    let durationS = def.durationSeconds;
    let factor = 1;
    let stage: Stage;
    if (def.model === 'closed') {
      if (!(typeof def.users === 'number' && def.users >= 1)) throw new PerfConfigError(`${where}: a closed-model stage needs users >= 1`);
      if (def.rate !== undefined) throw new PerfConfigError(`${where}: a closed-model stage has users, not rate`);
      let users = def.users;
      let think = def.thinkTimeMs;
      if (mode === 'short') {
        ({ warmupS, durationS, load: users, factor } = shorten(warmupS, durationS, users, short.maxUsers, short));
        const cap = short.maxThinkTimeMs;
        if (think !== undefined) think = typeof think === 'number' ? Math.min(think, cap) : [Math.min(think[0], cap), Math.min(think[1], cap)];
      }
      stage = { name: def.name, model: 'closed', users, warmupS, durationS };
      if (think !== undefined && think !== 0) stage.thinkTimeMs = think;
    } else {
      if (!(typeof def.rate === 'number' && def.rate > 0)) throw new PerfConfigError(`${where}: an open-model stage needs rate > 0`);
      if (def.users !== undefined) throw new PerfConfigError(`${where}: an open-model stage has rate, not users`);
      let rate = def.rate;
      if (mode === 'short') ({ warmupS, durationS, load: rate, factor } = shorten(warmupS, durationS, rate, short.maxRate, short));
      stage = { name: def.name, model: 'open', rate, warmupS, durationS };
      if (def.maxConnections !== undefined) stage.maxConnections = def.maxConnections;
      if (def.expectedLatencyMs !== undefined) stage.expectedLatencyMs = def.expectedLatencyMs;
    }
    const thresholds = def.thresholds.map((text) => {
      let t;
      try {
        t = parseThreshold(text);
      } catch (err) {
        if (err instanceof ThresholdSyntaxError) throw new PerfConfigError(`${where}: threshold ${JSON.stringify(text)}: ${err.message}`);
        throw err;
      }
      // a short run has less load: an rps bound shrinks with it, or the demo could never pass
      if (t.metric === 'rps' && factor !== 1) return { expr: `rps${t.op}${fmt(t.value * factor)}`, scaledFrom: t.text };
      return { expr: t.text };
    });
    stage.thresholds = thresholds.map((t) => t.expr);
    return { def, stage, thresholds };
  });
}

function profileOf(opts: RunProfileOptions): PerformanceProfile {
  const p = opts.profile ?? opts.plan.performance;
  if (!p || p.stages.length === 0) throw new PerfConfigError(`plan ${opts.plan.id} has no performance profile (performance.stages)`);
  return p;
}

interface Pool {
  records: Record<string, string>[];
  attempted: number;
  failed: number;
  errors: Record<string, number>;
  example?: string;
}

/** Register `n` records of the load's entity through its setup service (not measured). */
async function fillPool(load: ServiceLoad, n: number, seedBase: number, runTag: string, opts: RunProfileOptions, timeoutMs: number): Promise<Pool> {
  const setup = load.setup!;
  const transportOpts: Parameters<typeof createTransport>[0] = { url: opts.target, binding: opts.binding, connections: SETUP_CONCURRENCY, timeoutMs };
  if (opts.tls) transportOpts.tls = opts.tls;
  if (opts.auth) transportOpts.auth = opts.auth;
  const transport = createTransport(transportOpts);
  const pool: Pool = { records: [], attempted: n, failed: 0, errors: {} };
  const fail = (cls: string, why: string): void => {
    pool.failed++;
    pool.errors[cls] = (pool.errors[cls] ?? 0) + 1;
    pool.example ??= why;
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n && !opts.signal?.aborted) {
      const i = next++;
      const values = sampleEntityValues(load.entity, seedBase + i);
      const messageId = `${runTag}-setup-${load.entity.name}-${i}`;
      const xml = buildRequest(setup, load.entity, values, { messageId, creationTime: creationTime(), sender: 'hutong-perf', receiver: 'platform' });
      const ex = await transport.send(setup.code, xml);
      if (ex.error) {
        fail(ex.error.kind, ex.error.message);
        continue;
      }
      if (ex.fault) {
        fail('soap-fault', ex.fault.reason);
        continue;
      }
      if (!ex.v3xml) {
        fail('invalid-body', `HTTP ${ex.response?.status ?? '?'}: no V3 message in the answer`);
        continue;
      }
      let type: string | undefined;
      try {
        type = readMessage(ex.v3xml).ack?.typeCode;
      } catch (err) {
        fail('invalid-body', err instanceof Error ? err.message : String(err));
        continue;
      }
      if (type !== 'AA') {
        fail(type ? `ack-${type}` : 'ack-missing', `${setup.code} answered ${type ?? 'without an acknowledgement'}`);
        continue;
      }
      pool.records.push(values);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(SETUP_CONCURRENCY, n) }, worker));
  } finally {
    await transport.close().catch(() => transport.destroy());
  }
  return pool;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The record of one stage (shape: CONTRACTS.md "Performance"). */
export function toRecord(rs: ResolvedStage, r: StageResult, extra: { check?: CheckStats; setup?: Pool; mode: 'plan' | 'short' }): PerformanceRecord {
  const thresholds: ThresholdResult[] = r.thresholds.map((t, i) => {
    const out: ThresholdResult & { detail: string; scaledFrom?: string } = { expr: t.text, pass: t.ok, assumed: rs.def.assumed, detail: t.detail };
    if (t.actual !== null) out.actual = r3(t.actual);
    const from = rs.thresholds[i]?.scaledFrom;
    if (from) out.scaledFrom = from;
    return out;
  });
  let result: PerformanceRecord['result'];
  let reason: string | undefined;
  if (!r.valid) {
    result = 'invalid';
    reason = `generator self-check: ${r.invalidReason ?? 'not trusted'}`;
  } else if (r.passed) {
    result = 'pass';
  } else {
    result = 'fail';
    reason = r.thresholds.filter((t) => !t.ok).map((t) => t.detail).join('; ');
  }
  const l = r.latency;
  const rec: PerformanceRecord = {
    name: r.name,
    service: rs.def.service,
    result,
    required: rs.def.required ?? true,
    thresholds,
    model: r.model,
    mode: extra.mode,
    warmupS: r.warmupS,
    durationS: r.durationS,
    requests: r.requests,
    errorCount: r.errorCount,
    errors: r.errors,
    errorExamples: r.errorExamples,
    rps: r.rps,
    latency: { count: l.count, p50: l.p50Ms, p90: l.p90Ms, p95: l.p95Ms, p99: l.p99Ms, p999: l.p999Ms, mean: l.meanMs, max: l.maxMs, min: l.minMs, stddev: l.stddevMs },
    series: r.series,
    generator: r.generator,
    selfCheck: { maxLoopLagP99Ms: loopLagBound(rs) },
    latencyHdr: r.latencyHdr,
  };
  if (reason) rec.reason = reason;
  if (r.users !== undefined) rec.users = r.users;
  if (rs.stage.model === 'closed' && rs.stage.thinkTimeMs !== undefined) rec.thinkTimeMs = rs.stage.thinkTimeMs;
  if (r.rate !== undefined) rec.rate = r.rate;
  if (r.missed !== undefined) rec.missed = r.missed;
  if (extra.check) rec.check = extra.check;
  if (extra.setup) {
    const s = extra.setup;
    rec.setup = { registered: s.records.length, failed: s.failed, errors: s.errors, ...(s.example ? { example: s.example } : {}) };
  }
  return rec;
}

/** A stage that could not run at all (its key pool is empty): `fail`, the platform refused the setup. */
function notRun(rs: ResolvedStage, reason: string, setup: Pool | undefined, mode: 'plan' | 'short'): PerformanceRecord {
  const rec: PerformanceRecord = {
    name: rs.def.name,
    service: rs.def.service,
    result: 'fail',
    required: rs.def.required ?? true,
    reason,
    thresholds: rs.thresholds.map((t) => ({ expr: t.expr, pass: false, assumed: rs.def.assumed, detail: `${t.expr}: not measured` })),
    model: rs.stage.model,
    mode,
    warmupS: rs.stage.warmupS ?? 0,
    durationS: rs.stage.durationS,
    requests: 0,
    errorCount: 0,
    errors: {},
  };
  if (rs.stage.model === 'closed') rec.users = rs.stage.users;
  else rec.rate = rs.stage.rate;
  if (setup) rec.setup = { registered: setup.records.length, failed: setup.failed, errors: setup.errors, ...(setup.example ? { example: setup.example } : {}) };
  return rec;
}

/**
 * The event-loop lag the self-check tolerates for a stage. Lag stamps completions late, so it
 * over-states latency by up to the lag; what matters is whether that can move a verdict. The
 * engine's default (25 ms) is kept as the floor, and raised to a tenth of the tightest latency
 * bound of the stage: a 1 s bound is not endangered by 40 ms of lag on a busy machine, a 100 ms
 * bound keeps the 25 ms rule. (Saturation rules — CPU, loop utilisation, achieved rate — stay.)
 */
export function loopLagBound(rs: ResolvedStage): number {
  const bounds = rs.thresholds.map((t) => parseThreshold(t.expr)).filter((t) => t.metric !== 'errors' && t.metric !== 'rps').map((t) => t.value);
  const floor = DEFAULT_SELFCHECK_RULES.maxLoopLagP99Ms;
  return bounds.length ? Math.max(floor, Math.min(...bounds) / 10) : floor;
}

/**
 * Sampled responses the full validator rejected are errors of class invalid-body: add them to
 * the stage's counts and judge the error thresholds again (latency and rps are unaffected).
 */
export function foldValidation(r: StageResult, rejected: number, stats: CheckStats): void {
  if (rejected <= 0) return;
  r.errors['invalid-body'] = (r.errors['invalid-body'] ?? 0) + rejected;
  r.errorCount += rejected;
  const rules = Object.entries(stats.findings).map(([k, v]) => `${k}×${v}`).join(', ');
  r.errorExamples['invalid-body'] ??= `full validation rejected ${rejected} of ${stats.validated} sampled responses${rules ? ` (${rules})` : ''}`;
  for (const o of r.thresholds) {
    const t = parseThreshold(o.text);
    if (t.metric !== 'errors') continue;
    const e = evaluate(t, { latencyCount: 0, avgMs: NaN, minMs: NaN, maxMs: NaN, percentileMs: () => NaN, requests: r.requests, errors: r.errorCount, rps: r.rps });
    o.ok = e.ok;
    o.actual = Number.isNaN(e.actual) ? null : e.actual;
    o.detail = e.text;
  }
  r.passed = r.valid && r.thresholds.every((o) => o.ok);
}

const safeName = (x: string): string => x.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80) || '_';

/** First answers per error class as files under <dir>/evidence/perf/<stage>/; paths relative to dir. */
function writeEvidence(dir: string, stage: string, bodies: Record<string, string>): string[] {
  const rel: string[] = [];
  const entries = Object.entries(bodies);
  if (entries.length === 0) return rel;
  const sub = join('evidence', 'perf', safeName(stage));
  mkdirSync(join(dir, sub), { recursive: true });
  for (const [cls, text] of entries) {
    const file = join(sub, `${safeName(cls)}.txt`);
    writeFileSync(join(dir, file), text);
    rel.push(file.split('\\').join('/'));
  }
  return rel;
}

export async function runProfile(opts: RunProfileOptions): Promise<PerformanceRecord[]> {
  const mode = opts.mode ?? 'plan';
  const profile = profileOf(opts);
  const stages = resolveStages(profile, mode);
  const loads = stages.map((s) => serviceLoad(opts.catalog, s.def.service, opts.plan.kind));
  const url = new URL(opts.target);
  const endpointPath = url.pathname + url.search;
  const timeoutMs = profile.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const poolSize = mode === 'short' ? Math.min(profile.poolSize ?? DEFAULT_POOL_SIZE, profile.short?.poolSize ?? DEFAULT_SHORT.poolSize) : (profile.poolSize ?? DEFAULT_POOL_SIZE);
  const validateEvery = profile.validateEvery ?? DEFAULT_VALIDATE_EVERY;
  const progress = opts.progress ?? (() => undefined);
  // ids unique per run (a platform's database outlives runs): a random run tag and seed range
  const run = randomInt(1, 9_000_000);
  const runTag = `HTP${run.toString(36).toUpperCase()}`;
  const seedOf = (i: number): number => run * 100_000_000 + i * 10_000_000;

  // setup: one pool per entity, shared by the stages that query it; entities in parallel
  // (each with its own few connections), since none of this is measured
  const pools = new Map<string, Pool>();
  const entities = [...new Set(loads.filter((l) => l.setup).map((l) => l.entity.name))];
  await Promise.all(
    entities.map(async (name, i) => {
      if (opts.signal?.aborted) return;
      const load = loads.find((l) => l.entity.name === name && l.setup)!;
      progress(`setup: registering ${poolSize} ${name} records via ${load.setup!.code}`);
      const pool = await fillPool(load, poolSize, seedOf(90 + i), `${runTag}S${i}`, opts, timeoutMs);
      if (pool.failed) progress(`setup: ${pool.failed} of ${pool.attempted} ${load.setup!.code} failed (${pool.example ?? ''})`);
      pools.set(name, pool);
    }),
  );

  const out: PerformanceRecord[] = [];
  for (const [i, rs] of stages.entries()) {
    if (opts.signal?.aborted) {
      // interrupted: the stages not run are reported as such, never silently dropped
      out.push({ ...notRun(rs, 'not run: the run was interrupted', undefined, mode), result: 'skip' });
      continue;
    }
    const load = loads[i]!;
    const pool = load.setup ? pools.get(load.entity.name) : undefined;
    if (pool && pool.records.length === 0) {
      out.push(notRun(rs, `setup: no ${load.entity.name} record could be registered via ${load.setup!.code} (${pool.example ?? 'no answer'})`, pool, mode));
      continue;
    }
    const builderOpts: ConstructorParameters<typeof RequestBuilder>[1] = { binding: opts.binding, endpointPath, runTag: `${runTag}-${i}`, seedBase: seedOf(i) };
    if (pool) builderOpts.pool = pool.records;
    const builder = new RequestBuilder(load, builderOpts);
    const check = new ResponseCheck({ binding: opts.binding, service: load.service, catalog: opts.catalog, validateEvery, expectRecords: builder.load.service.pattern === 'query' || builder.load.service.pattern === 'retrieve' });
    const s = rs.stage;
    progress(`stage ${s.name}: ${s.model === 'closed' ? `${s.users} users` : `${s.rate} req/s`}, warm-up ${s.warmupS ?? 0} s, ${s.durationS} s measured`);
    const stageOpts: Parameters<typeof runStage>[4] = { selfCheck: { maxLoopLagP99Ms: loopLagBound(rs) } };
    if (opts.burnCpuMs) stageOpts.burnCpuMs = opts.burnCpuMs;
    if (opts.signal) stageOpts.signal = opts.signal;
    const result = await runStage(
      s,
      { url: url.origin, timeoutMs },
      ({ seq }) => {
        const b = builder.build(seq);
        check.expect(b.messageId);
        return b.spec;
      },
      check.checker,
      stageOpts,
    );
    foldValidation(result, check.validateSamples(), check.stats);
    const rec = toRecord(rs, result, { check: { ...check.stats, findings: { ...check.stats.findings } }, ...(pool ? { setup: pool } : {}), mode });
    if (opts.evidenceDir) {
      const files = writeEvidence(opts.evidenceDir, s.name, check.firstBodies);
      if (files.length) rec.evidence = files;
    }
    progress(`stage ${s.name}: ${rec.result}${rec.reason ? ` (${rec.reason})` : ''}`);
    opts.onStage?.(result, rec);
    out.push(rec);
  }
  return out;
}

// ------------------------------------------------------------------ profile and plan files

let planValidator: ValidateFunction | undefined;
let profileValidator: ValidateFunction | undefined;

function validators(): { plan: ValidateFunction; profile: ValidateFunction } {
  if (!planValidator || !profileValidator) {
    const schema = JSON.parse(readFileSync(join(PROJECT_ROOT, 'schemas', 'plan.schema.json'), 'utf8')) as { $id: string };
    const ajv = new Ajv({ allErrors: true, strict: true });
    ajv.addSchema(schema);
    planValidator = ajv.getSchema(schema.$id)!;
    profileValidator = ajv.compile({ $ref: `${schema.$id}#/definitions/performance` });
  }
  return { plan: planValidator, profile: profileValidator };
}

function readYaml(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PerfConfigError(`${path}: cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return parseYaml(text) as unknown;
  } catch (err) {
    throw new PerfConfigError(`${path}: not YAML/JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function schemaErrors(path: string, errors: ErrorObject[] | null | undefined): PerfConfigError {
  const lines = (errors ?? []).map((e) => `${path}: ${e.instancePath || '/'}: ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})` : ''}`);
  return new PerfConfigError(lines.join('\n'));
}

/**
 * `--profile FILE`: a performance profile that replaces the plan's (every figure a site wants
 * to set: users, rates, durations, thresholds). The file holds the profile object itself or
 * `{ performance: … }`; it is checked against the plan schema's performance definition.
 */
export function loadProfileFile(path: string): PerformanceProfile {
  const raw = readYaml(path);
  const value = raw && typeof raw === 'object' && !Array.isArray(raw) && 'performance' in raw ? (raw as { performance: unknown }).performance : raw;
  const v = validators().profile;
  if (!v(value)) throw schemaErrors(path, v.errors);
  const profile = value as PerformanceProfile;
  resolveStages(profile, 'plan');
  return profile;
}

/** A plan file (a site's own plan, same grammar as scenarios/plans/*.yaml). */
export function loadPlanFile(path: string): PlanDef {
  const raw = readYaml(path);
  const v = validators().plan;
  if (!v(raw)) throw schemaErrors(path, v.errors);
  return raw as PlanDef;
}
