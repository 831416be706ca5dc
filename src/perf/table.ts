/**
 * Terminal rendering of performance records (hutong perf): one block per stage with the
 * latency percentiles, throughput, errors by class, thresholds ✓/✗ and the generator's health.
 * Reads records only; never measures.
 */
import type { PerformanceRecord } from '../run/record.js';

const RESULT: Record<PerformanceRecord['result'], string> = { pass: '通过 pass', fail: '不通过 fail', invalid: '无效 invalid', skip: '跳过 skip' };

interface Lat {
  count?: number;
  p50?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  p999?: number;
  mean?: number;
  max?: number;
}

interface Gen {
  cpuPct?: number;
  loopLagP99Ms?: number;
  loopUtilization?: number;
  achievedRate?: number;
  scheduleLagP99Ms?: number;
  peakInFlight?: number;
  connections?: number;
}

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

function ms(x: unknown): string {
  const v = num(x);
  if (v === undefined) return '-';
  if (v >= 1000) return `${(v / 1000).toFixed(2)}s`;
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
}

function grid(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [row(header, widths), ...rows.map((r) => row(r, widths))];
}

function load(r: PerformanceRecord): string {
  const warm = num(r.warmupS) ?? 0;
  const dur = num(r.durationS) ?? 0;
  const what = r.model === 'open' ? `open ${String(r.rate)} req/s` : `closed ${String(r.users)} users${num(r.thinkTimeMs) ? `, think ${String(r.thinkTimeMs)} ms` : ''}`;
  return `${what}, warm-up ${warm} s, ${dur} s measured`;
}

/** One stage as lines of text. */
export function renderStage(r: PerformanceRecord): string {
  const out: string[] = [];
  out.push(`■ ${r.name}  [${r.service ?? '?'}]  ${load(r)}  → ${RESULT[r.result]}`);
  // no latency sample (nothing answered): dashes, not zeros that read like a fast platform
  const lat = (r.latency && (r.latency as Lat).count !== 0 ? r.latency : {}) as Lat;
  const requests = num(r.requests) ?? 0;
  const errorCount = num(r.errorCount) ?? 0;
  const errPct = requests ? `${((errorCount / requests) * 100).toFixed(2)}%` : '-';
  out.push(
    ...grid(
      ['latency ms', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'mean', 'max', 'requests', 'req/s', 'errors'],
      [['', ms(lat.p50), ms(lat.p90), ms(lat.p95), ms(lat.p99), ms(lat.p999), ms(lat.mean), ms(lat.max), String(requests), String(num(r.rps) ?? '-'), `${errorCount} (${errPct})`]],
    ).map((l) => `  ${l}`),
  );
  const errors = (r.errors ?? {}) as Record<string, number>;
  const examples = (r.errorExamples ?? {}) as Record<string, string>;
  const classes = Object.entries(errors).sort((a, b) => b[1] - a[1]);
  if (classes.length) {
    out.push('  errors by class:');
    for (const [cls, n] of classes) out.push(`    ${String(n).padStart(6)} × ${cls}${examples[cls] ? `  e.g. ${examples[cls]}` : ''}`);
  }
  const evidence = Array.isArray(r.evidence) ? (r.evidence as string[]) : [];
  if (evidence.length) out.push(`  first answer per error class: ${evidence.join(', ')}`);
  const check = r.check as { checked?: number; validated?: number; validationFailed?: number; findings?: Record<string, number> } | undefined;
  if (check?.validated) {
    const f = Object.entries(check.findings ?? {}).map(([k, v]) => `${k}×${v}`).join(', ');
    out.push(`  full validation: ${check.validated} sampled, ${check.validationFailed ?? 0} rejected${f ? ` (${f})` : ''}`);
  }
  const setup = r.setup as { registered?: number; failed?: number; example?: string } | undefined;
  if (setup) out.push(`  setup: ${setup.registered ?? 0} records registered${setup.failed ? `, ${setup.failed} failed (${setup.example ?? ''})` : ''}`);
  for (const t of r.thresholds ?? []) {
    const d = (t as { detail?: string; scaledFrom?: string }).detail ?? t.expr;
    const from = (t as { scaledFrom?: string }).scaledFrom;
    out.push(`  ${t.pass ? '✓' : '✗'} ${d}${t.assumed ? '  (assumed)' : ''}${from ? `  (short run: scaled from ${from})` : ''}`);
  }
  const g = (r.generator ?? {}) as Gen;
  if (g.cpuPct !== undefined) {
    let line = `  generator: cpu ${g.cpuPct}% of a core, event-loop lag p99 ${ms(g.loopLagP99Ms)} ms, utilisation ${g.loopUtilization ?? '-'}, peak in flight ${g.peakInFlight ?? '-'}/${g.connections ?? '-'}`;
    if (g.achievedRate !== undefined) line += `, achieved ${g.achievedRate} req/s, schedule lag p99 ${ms(g.scheduleLagP99Ms)} ms`;
    if (num(r.missed)) line += `, missed ${String(r.missed)}`;
    out.push(line);
  }
  if (r.reason) out.push(`  reason: ${r.reason}`);
  return out.join('\n');
}

/** Every stage, grouped by service, then a one-line summary. */
export function renderPerformance(records: readonly PerformanceRecord[]): string {
  const byService = new Map<string, PerformanceRecord[]>();
  for (const r of records) {
    const k = r.service ?? '?';
    byService.set(k, [...(byService.get(k) ?? []), r]);
  }
  const blocks: string[] = [];
  for (const [service, rs] of byService) blocks.push(`${service}\n${rs.map(renderStage).join('\n')}`);
  const count = (x: PerformanceRecord['result']): number => records.filter((r) => r.result === x).length;
  blocks.push(`stages: ${records.length}, pass ${count('pass')}, fail ${count('fail')}, invalid ${count('invalid')}, skip ${count('skip')}`);
  return blocks.join('\n\n') + '\n';
}
