/**
 * hutong diff <run-a> <run-b>: what changed from run A (before) to run B (after).
 *
 *  - cases whose result changed (and cases only in one run);
 *  - findings new in B / gone from B, matched by rule id + case id + xpath (as a multiset: the
 *    same finding twice in B and once in A is one new finding);
 *  - performance deltas per stage (matched by name) with a noise band: a latency percentile
 *    (p50/p95/p99) that grew by more than the band — and by at least `minMs`, so sub-millisecond
 *    jitter of a fast platform is not a regression — or a throughput that fell by more than the
 *    band is a regression, as is a stage that passed in A and not in B.
 *
 * Regressions (exit 1): a case pass → fail/error, a new error-severity finding, a performance
 * regression. Everything else (improvements, new warnings, new cases) is reported, exit 0.
 */
import { resolve } from 'node:path';
import { readRecord } from '../run/record-io.js';
import type { CaseArea, CaseResult, RunRecord } from '../run/record.js';
import type { Severity } from '../findings/types.js';
import { perfView } from './model.js';
import { resultText, type Lang } from './i18n.js';

export interface DiffOptions {
  /** noise band in percent (default 10) */
  noisePct?: number;
  /** latency increases smaller than this many ms are noise whatever the band (default 1) */
  minMs?: number;
}

export interface CaseChange {
  id: string;
  title: string;
  area: CaseArea;
  /** undefined: the case is not in that run */
  from?: CaseResult;
  to?: CaseResult;
  regression: boolean;
}

export interface FindingChange {
  caseId: string;
  rule: string;
  xpath?: string;
  severity: Severity;
  message: string;
  clause?: string;
}

export type PerfMetric = 'p50' | 'p95' | 'p99' | 'rps';

export interface PerfDelta {
  stage: string;
  metric: PerfMetric | 'result';
  a?: number | string;
  b?: number | string;
  /** (b − a) / a × 100 */
  deltaPct?: number;
  regression: boolean;
}

export interface RunDiff {
  a: { dir: string; runId: string; verdict: string; startedAt: string };
  b: { dir: string; runId: string; verdict: string; startedAt: string };
  noisePct: number;
  /** cases whose result differs, plus cases present in only one run */
  cases: CaseChange[];
  findings: { added: FindingChange[]; removed: FindingChange[] };
  perf: PerfDelta[];
  /** one line per regression, for people */
  regressions: string[];
  exitCode: 0 | 1;
}

export function parseNoise(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(v);
  if (!m) throw new RangeError(`noise band "${v}": expected a percentage like 10% or 10`);
  const n = Number(m[1]);
  // "0.1" without % reads as a fraction
  const pct = m[2] === '' && n > 0 && n < 1 ? n * 100 : n;
  if (!(pct >= 0 && pct <= 1000)) throw new RangeError(`noise band "${v}" out of range 0–1000%`);
  return pct;
}

const findingKey = (caseId: string, f: { rule: string; xpath?: string }): string => `${caseId}\u0000${f.rule}\u0000${f.xpath ?? ''}`;

function findingBag(r: RunRecord): Map<string, FindingChange[]> {
  const bag = new Map<string, FindingChange[]>();
  for (const c of r.cases) {
    for (const f of c.findings) {
      const k = findingKey(c.id, f);
      const list = bag.get(k) ?? [];
      list.push({ caseId: c.id, rule: f.rule, ...(f.xpath ? { xpath: f.xpath } : {}), severity: f.severity, message: f.message, ...(f.clause ? { clause: f.clause } : {}) });
      bag.set(k, list);
    }
  }
  return bag;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

export function diffRecords(a: RunRecord, b: RunRecord, opts: DiffOptions = {}, dirs: { a?: string; b?: string } = {}): RunDiff {
  const noise = opts.noisePct ?? 10;
  const minMs = opts.minMs ?? 1;
  const regressions: string[] = [];

  const casesA = new Map(a.cases.map((c) => [c.id, c]));
  const casesB = new Map(b.cases.map((c) => [c.id, c]));
  const cases: CaseChange[] = [];
  for (const cb of b.cases) {
    const ca = casesA.get(cb.id);
    if (ca && ca.result === cb.result) continue;
    const regression = ca?.result === 'pass' && (cb.result === 'fail' || cb.result === 'error');
    if (regression) regressions.push(`${cb.id}: ${ca.result} → ${cb.result}`);
    cases.push({ id: cb.id, title: cb.title, area: cb.area, ...(ca ? { from: ca.result } : {}), to: cb.result, regression });
  }
  for (const ca of a.cases) if (!casesB.has(ca.id)) cases.push({ id: ca.id, title: ca.title, area: ca.area, from: ca.result, regression: false });

  const bagA = findingBag(a);
  const bagB = findingBag(b);
  const added: FindingChange[] = [];
  const removed: FindingChange[] = [];
  for (const [k, listB] of bagB) {
    const n = bagA.get(k)?.length ?? 0;
    for (const f of listB.slice(n)) {
      added.push(f);
      if (f.severity === 'error') regressions.push(`${f.caseId}: new ${f.rule}${f.xpath ? ` at ${f.xpath}` : ''}`);
    }
  }
  for (const [k, listA] of bagA) removed.push(...listA.slice(bagB.get(k)?.length ?? 0));

  const perf: PerfDelta[] = [];
  const perfA = new Map(a.performance.map((p) => [p.name, perfView(p)]));
  for (const pbRaw of b.performance) {
    const pb = perfView(pbRaw);
    const pa = perfA.get(pb.name);
    if (!pa) { perf.push({ stage: pb.name, metric: 'result', b: pb.result, regression: false }); continue; }
    if (pa.result !== pb.result) {
      const regression = pa.result === 'pass';
      if (regression) regressions.push(`performance ${pb.name}: ${pa.result} → ${pb.result}`);
      perf.push({ stage: pb.name, metric: 'result', a: pa.result, b: pb.result, regression });
    }
    for (const m of ['p50', 'p95', 'p99'] as const) {
      const va = pa.latency[m];
      const vb = pb.latency[m];
      if (va === undefined || vb === undefined) continue;
      const deltaPct = va > 0 ? ((vb - va) / va) * 100 : vb > 0 ? Infinity : 0;
      const regression = deltaPct > noise && vb - va >= minMs;
      if (regression) regressions.push(`performance ${pb.name} ${m}: ${va} → ${vb} ms (+${Number.isFinite(deltaPct) ? round1(deltaPct) : '∞'}% > ${noise}%)`);
      perf.push({ stage: pb.name, metric: m, a: va, b: vb, ...(Number.isFinite(deltaPct) ? { deltaPct: round1(deltaPct) } : {}), regression });
    }
    if (pa.rps !== undefined && pb.rps !== undefined) {
      const deltaPct = pa.rps > 0 ? ((pb.rps - pa.rps) / pa.rps) * 100 : 0;
      const regression = deltaPct < -noise;
      if (regression) regressions.push(`performance ${pb.name} rps: ${pa.rps} → ${pb.rps} (${round1(deltaPct)}% < -${noise}%)`);
      perf.push({ stage: pb.name, metric: 'rps', a: pa.rps, b: pb.rps, deltaPct: round1(deltaPct), regression });
    }
  }
  for (const pa of a.performance) if (!b.performance.some((p) => p.name === pa.name)) perf.push({ stage: pa.name, metric: 'result', a: pa.result, regression: false });

  return {
    a: { dir: dirs.a ?? '', runId: a.runId, verdict: a.verdict, startedAt: a.startedAt },
    b: { dir: dirs.b ?? '', runId: b.runId, verdict: b.verdict, startedAt: b.startedAt },
    noisePct: noise, cases, findings: { added, removed }, perf, regressions, exitCode: regressions.length ? 1 : 0,
  };
}

/** Diff two run folders (or record.json files). */
export function diffRuns(dirA: string, dirB: string, opts: DiffOptions = {}): RunDiff {
  return diffRecords(readRecord(dirA), readRecord(dirB), opts, { a: resolve(dirA), b: resolve(dirB) });
}

/** The diff for a terminal. */
export function renderDiff(d: RunDiff, lang: Lang = 'zh'): string {
  const zh = lang === 'zh';
  const res = (r: CaseResult | undefined): string => (r ? resultText(lang, r) : zh ? '（无）' : '(absent)');
  const out: string[] = [];
  out.push(`A ${d.a.runId} ${d.a.verdict}  →  B ${d.b.runId} ${d.b.verdict}`);
  out.push(zh ? `结果变化的用例: ${d.cases.length}` : `cases that changed: ${d.cases.length}`);
  for (const c of d.cases) out.push(`  ${c.regression ? '✗' : ' '} ${c.id}  ${res(c.from)} → ${res(c.to)}  ${c.title}`);
  out.push(zh ? `新增问题: ${d.findings.added.length}  消失问题: ${d.findings.removed.length}` : `new findings: ${d.findings.added.length}  removed findings: ${d.findings.removed.length}`);
  for (const f of d.findings.added.slice(0, 50)) out.push(`  + ${f.caseId} ${f.rule} [${f.severity}]${f.xpath ? ` ${f.xpath}` : ''}`);
  for (const f of d.findings.removed.slice(0, 50)) out.push(`  - ${f.caseId} ${f.rule} [${f.severity}]${f.xpath ? ` ${f.xpath}` : ''}`);
  if (d.perf.length) {
    out.push(zh ? `性能（噪声带 ±${d.noisePct}%）:` : `performance (noise band ±${d.noisePct}%):`);
    for (const p of d.perf) {
      out.push(`  ${p.regression ? '✗' : ' '} ${p.stage} ${p.metric}: ${p.a ?? '—'} → ${p.b ?? '—'}${p.deltaPct !== undefined ? ` (${p.deltaPct >= 0 ? '+' : ''}${p.deltaPct}%)` : ''}`);
    }
  }
  out.push(d.regressions.length ? `${zh ? '回退' : 'regressions'}: ${d.regressions.length}` : zh ? '无回退' : 'no regressions');
  return `${out.join('\n')}\n`;
}
