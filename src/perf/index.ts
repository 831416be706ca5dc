/**
 * 运行性能 load generation: run one stage of a load profile against a target and judge it.
 *
 *   const r = await runStage(
 *     { name: 'steady', model: 'open', rate: 200, durationS: 60, warmupS: 10, thresholds: ['p(95)<3s', 'errors<0.1%'] },
 *     { url: 'http://platform:8080', timeoutMs: 10_000 },
 *     ({ seq }) => ({ path: '/hip', headers: { 'content-type': 'text/xml' }, body: envelopeFor(seq) }),
 *     (status, headers, body) => status === 200 ? ackCheck(body) : `http-status:${status}`,
 *   );
 *   r.passed  // valid (the generator could be trusted) and every threshold ok
 *
 * Thresholds are parsed before any load is sent: a typo fails fast with its column.
 */
import { runClosed, runOpen } from './generator.js';
import { runClosedAutocannon } from './autocannon.js';
import type { GeneratorRun } from './generator.js';
import { evaluate, parseThresholds } from './thresholds.js';
import type { ThresholdStats } from './thresholds.js';
import { DEFAULT_SELFCHECK_RULES, judge } from './selfcheck.js';
import type { SelfCheckRules } from './selfcheck.js';
import type {
  RequestFactory,
  ResponseChecker,
  RunStageOptions,
  Stage,
  StageResult,
  Target,
  ThresholdOutcome,
} from './types.js';

export * from './types.js';
export { parseThreshold, parseThresholds, evaluate, ThresholdSyntaxError } from './thresholds.js';
export type { Threshold, ThresholdOp, ThresholdMetric, ThresholdResult, ThresholdStats } from './thresholds.js';
export { LatencyHistogram, LatencySeries, mergeHistograms, LATENCY_MAX_US } from './histogram.js';
export { classifyTransportError } from './errors.js';
export { decodeContentCoding, ContentCodingError } from './content-coding.js';
export { DEFAULT_SELFCHECK_RULES, SelfCheckMonitor, judge } from './selfcheck.js';
export type { SelfCheckRules, SelfCheckReport, Verdict } from './selfcheck.js';
export { openConnections } from './generator.js';
export { runClosedAutocannon } from './autocannon.js';
export { RawClient } from './raw/client.js';
export type { RawClientOptions } from './raw/client.js';

/** The default checker: any 2xx is fine, anything else is http-status:NNN. */
export const statusChecker: ResponseChecker = Object.assign((status: number) => (status >= 200 && status < 300 ? null : `http-status:${status}`), { needsBody: false });

function checkStage(stage: Stage): void {
  const where = `stage ${JSON.stringify(stage.name)}`;
  if (!(stage.durationS > 0)) throw new RangeError(`${where}: durationS must be > 0`);
  if (stage.warmupS !== undefined && !(stage.warmupS >= 0)) throw new RangeError(`${where}: warmupS must be >= 0`);
  if (stage.model === 'closed') {
    if (!(stage.users >= 1)) throw new RangeError(`${where}: users must be >= 1`);
    const tt = stage.thinkTimeMs;
    if (Array.isArray(tt) ? !(tt[0] >= 0 && tt[1] >= tt[0]) : tt !== undefined && !(tt >= 0)) {
      throw new RangeError(`${where}: thinkTimeMs must be >= 0 or [min, max] with 0 <= min <= max`);
    }
  } else if (!(stage.rate > 0)) {
    throw new RangeError(`${where}: rate must be > 0`);
  }
}

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;

export async function runStage(
  stage: Stage,
  target: Target | string,
  factory: RequestFactory,
  checker: ResponseChecker = statusChecker,
  opts: RunStageOptions = {},
): Promise<StageResult> {
  checkStage(stage);
  const thresholds = parseThresholds(stage.thresholds ?? []);
  const tgt: Target = typeof target === 'string' ? { url: target } : target;
  const rules: SelfCheckRules = { ...DEFAULT_SELFCHECK_RULES, ...opts.selfCheck };
  const genOpts = {
    burnCpuMs: opts.burnCpuMs ?? 0,
    errorBackoffMs: opts.errorBackoffMs,
    signal: opts.signal,
    onSecond: opts.onSecond,
    selfCheckSampleMs: rules.sampleMs,
  };

  const run: GeneratorRun =
    stage.model === 'closed'
      ? opts.engine === 'autocannon' && stage.thinkTimeMs === undefined
        ? await runClosedAutocannon(stage, tgt, factory, checker, genOpts)
        : await runClosed(stage, tgt, factory, checker, { ...genOpts, client: opts.engine === 'undici' ? 'undici' : 'raw' })
      : await runOpen(stage, tgt, factory, checker, { ...genOpts, client: opts.engine === 'undici' ? 'undici' : 'raw' });

  const rec = run.recorder;
  const rps = rec.completedInWindow / stage.durationS;
  const achievedRate = run.issued !== undefined ? run.issued / stage.durationS : undefined;

  const stats: ThresholdStats = {
    latencyCount: rec.latency.count,
    avgMs: rec.latency.meanMs,
    minMs: rec.latency.minMs,
    maxMs: rec.latency.maxMs,
    percentileMs: (p) => rec.latency.percentileMs(p),
    requests: rec.requests,
    errors: rec.errorCount,
    rps,
  };
  const outcomes: ThresholdOutcome[] = thresholds.map((t) => {
    const r = evaluate(t, stats);
    return { text: t.text, ok: r.ok, actual: Number.isNaN(r.actual) ? null : r.actual, expected: r.expected, detail: r.text };
  });

  const verdict = judge(
    run.selfCheck,
    rules,
    stage.model === 'open' && achievedRate !== undefined ? { targetRate: stage.rate, achievedRate } : undefined,
  );
  const reasons = [...verdict.reasons];
  if (run.abortReason) reasons.unshift(run.abortReason);
  if (rec.requests === 0) reasons.push('no request was made in the measured window');

  const result: StageResult = {
    name: stage.name,
    model: stage.model,
    durationS: stage.durationS,
    warmupS: stage.warmupS ?? 0,
    requests: rec.requests,
    errorCount: rec.errorCount,
    errors: { ...rec.errors },
    errorExamples: { ...rec.examples },
    latency: rec.latency.summary(),
    latencyHdr: rec.latency.encode(),
    rps: round(rps, 2),
    series: run.series,
    thresholds: outcomes,
    valid: reasons.length === 0,
    passed: reasons.length === 0 && outcomes.every((o) => o.ok),
    generator: {
      cpuPct: round(run.selfCheck.cpuMean * 100, 1),
      loopLagP99Ms: run.selfCheck.loopLagP99Ms,
      loopUtilization: round(run.selfCheck.loopUtilization, 3),
      cpuHotShare: round(verdict.cpuHotShare, 3),
      loopHotShare: round(verdict.loopHotShare, 3),
      peakInFlight: run.peakInFlight,
      peakQueued: run.peakQueued,
      connections: run.connections,
    },
  };
  if (stage.model === 'closed') result.users = stage.users;
  else {
    result.rate = stage.rate;
    result.missed = run.missed ?? 0;
    if (achievedRate !== undefined) result.generator.achievedRate = round(achievedRate, 2);
    if (run.scheduleLag) result.generator.scheduleLagP99Ms = run.scheduleLag.percentileMs(99);
  }
  if (reasons.length) result.invalidReason = reasons.join('; ');
  return result;
}

// 运行性能 profiles on top of the generator: plan stages, per-request messages, checks, records
export { runProfile, resolveStages, toRecord, PerfConfigError, DEFAULT_SHORT, loadProfileFile, loadPlanFile } from './profile.js';
export type { RunProfileOptions, ResolvedStage } from './profile.js';
export { ResponseCheck } from './check.js';
export type { CheckStats, CheckOptions } from './check.js';
export { RequestBuilder, serviceLoad } from './requests.js';
export type { ServiceLoad, BuiltRequest } from './requests.js';
export { exportK6, k6Threshold } from './k6.js';
export type { K6ExportOptions } from './k6.js';
export { renderPerformance } from './table.js';
